package dev.portcullis.internal;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.WeakHashMap;

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
