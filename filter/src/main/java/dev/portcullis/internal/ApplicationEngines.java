package dev.portcullis.internal;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.WeakHashMap;
import java.util.function.Supplier;

/**
 * Engines that an adapter built for one web application and must close when that application
 * stops, by the application's class loader. The JAX-RS feature registers itself here when it
 * builds its own engine; the listener that {@code PortcullisInitializer} adds to every servlet
 * context closes, on {@code contextDestroyed}, whatever is still registered for that context's
 * class loader. This is the safety net for JAX-RS runtimes that tell no provider the application
 * stops (RESTEasy 6.2 calls no {@code @PreDestroy} and has no lifecycle listener), while the JAX-RS
 * adapter itself must not use the servlet API.
 *
 * <p>The only static state in Portcullis: keyed weakly by class loader, and emptied for an
 * application when it stops. Not part of the API.
 *
 * <p>Thread safety: thread-safe.
 */
public final class ApplicationEngines {
    private static final Logger LOG = LoggerFactory.getLogger(ApplicationEngines.class);
    private static final Map<ClassLoader, Set<AutoCloseable>> OPEN = new WeakHashMap<>();
    /** Engines built from settings, shared by the adapters of one application asking with equal settings. */
    private static final Map<ClassLoader, Map<Object, Shared>> SHARED = new WeakHashMap<>();

    private ApplicationEngines() {
    }

    /** Records that {@code owner} holds an engine of the application loaded by {@code application}. */
    public static synchronized void opened(ClassLoader application, AutoCloseable owner) {
        OPEN.computeIfAbsent(application, k -> Collections.newSetFromMap(new IdentityHashMap<>())).add(owner);
    }

    /** Forgets {@code owner}, which has closed its engine. */
    public static synchronized void closed(ClassLoader application, AutoCloseable owner) {
        Set<AutoCloseable> owners = OPEN.get(application);
        if (owners != null) {
            owners.remove(owner);
            if (owners.isEmpty()) {
                OPEN.remove(application);
            }
        }
    }

    /**
     * The engine of the application loaded by {@code application} built from settings equal to
     * {@code key}: the one already built for an earlier caller, or a new one from {@code build}.
     * Each call must be matched by one {@link #release}; the engine is closed by the last. A
     * JAX-RS runtime may make several instances of one feature class for one application (RESTEasy
     * makes one per extension interface); they must share one engine, or a request would be
     * authenticated by one engine and authorized by another, with caches, revocations, pools and
     * decision logs of their own.
     */
    public static <E extends AutoCloseable> E share(ClassLoader application, Object key, Supplier<E> build) {
        synchronized (ApplicationEngines.class) {
            Shared shared = SHARED.computeIfAbsent(application, k -> new HashMap<>()).get(key);
            if (shared != null) {
                shared.users++;
                @SuppressWarnings("unchecked")
                E engine = (E) shared.engine;
                return engine;
            }
            // built under the lock: deployments are rare, and a second instance must not build its own
            E engine = build.get();
            SHARED.get(application).put(key, new Shared(engine));
            return engine;
        }
    }

    /** One user of the engine {@link #share} gave for {@code key} is done with it; the last closes it. */
    public static void release(ClassLoader application, Object key) {
        AutoCloseable last = null;
        synchronized (ApplicationEngines.class) {
            Map<Object, Shared> engines = SHARED.get(application);
            Shared shared = engines == null ? null : engines.get(key);
            if (shared != null && --shared.users == 0) {
                engines.remove(key);
                if (engines.isEmpty()) {
                    SHARED.remove(application);
                }
                last = shared.engine;
            }
        }
        if (last != null) {
            try {
                last.close();
            } catch (Exception | LinkageError e) {
                LOG.warn("Portcullis: closing {} failed: {}", last.getClass().getName(), e.toString());
            }
        }
    }

    private static final class Shared {
        final AutoCloseable engine;
        int users = 1;

        Shared(AutoCloseable engine) {
            this.engine = engine;
        }
    }

    /** Closes and forgets every owner still registered for the application; returns how many. */
    public static int closeAll(ClassLoader application) {
        List<AutoCloseable> owners;
        synchronized (ApplicationEngines.class) {
            Set<AutoCloseable> open = OPEN.remove(application);
            owners = open == null ? List.of() : new ArrayList<>(open);
        }
        for (AutoCloseable owner : owners) {
            try {
                owner.close();
            } catch (Exception | LinkageError e) {
                LOG.warn("Portcullis: closing {} failed: {}", owner.getClass().getName(), e.toString());
            }
        }
        return owners.size();
    }
}
