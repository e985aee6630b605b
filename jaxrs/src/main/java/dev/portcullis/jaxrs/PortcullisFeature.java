package dev.portcullis.jaxrs;

import dev.portcullis.Portcullis;
import dev.portcullis.config.ConfigurationException;
import dev.portcullis.config.SettingNames;
import dev.portcullis.config.Settings;
import dev.portcullis.internal.ApplicationEngines;
import dev.portcullis.token.internal.TokenSettings;

import jakarta.annotation.PreDestroy;
import jakarta.ws.rs.Priorities;
import jakarta.ws.rs.container.DynamicFeature;
import jakarta.ws.rs.container.ResourceInfo;
import jakarta.ws.rs.core.Configuration;
import jakarta.ws.rs.core.Feature;
import jakarta.ws.rs.core.FeatureContext;
import jakarta.ws.rs.ext.Provider;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.lang.reflect.Method;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Guards JAX-RS 3.1 resources with Portcullis: verifies identity-only bearer tokens (RFC 6750),
 * installs a {@link jakarta.ws.rs.core.SecurityContext} backed by fresh roles, and enforces
 * {@link RequiresPermission}, {@code @RolesAllowed}, {@code @PermitAll} and {@code @DenyAll}. It
 * needs no servlet API: Jersey on Grizzly works as well as Jersey or RESTEasy in a servlet
 * container.
 *
 * <pre>{@code
 * Portcullis engine = Portcullis.fromSettings(Settings.fromSystem(Map.of(), Map.of()));
 * ResourceConfig app = new ResourceConfig(DocumentResource.class)
 *         .register(new PortcullisFeature(engine));                        // Jersey
 * // RESTEasy: return it from Application.getSingletons()
 * }</pre>
 *
 * <h2>Discovery</h2>
 * The class is annotated {@link Provider}: in a servlet container, Jersey and RESTEasy add it by
 * themselves when the application's {@code Application} subclass returns no classes and no
 * singletons (they take the {@code @Path} and {@code @Provider} classes the container finds in
 * {@code WEB-INF/classes} and {@code WEB-INF/lib}). Discovered instances use the no-argument
 * constructor and are switched off by the application property {@value #AUTO_REGISTER}
 * {@code =false} (or the system property / {@code PORTCULLIS_JAXRS_AUTO_REGISTER}); an instance
 * constructed with an engine is never switched off. Where nothing is scanned (Jersey on Grizzly,
 * an {@code Application} that lists its classes) register it yourself:
 * {@code register(PortcullisFeature.class)} or {@code register(new PortcullisFeature(engine))}.
 *
 * <h2>What it registers</h2>
 * Annotations are read at deployment, in {@link #configure(ResourceInfo, FeatureContext)}, where
 * contradictions and uncovered permissions fail deployment; each resource method gets one small
 * immutable authorization filter ({@code Priorities.AUTHORIZATION}). Per request, that filter
 * takes the requirements from {@link AnnotationLookup} for the class of the resource instance that
 * actually serves the request ({@code UriInfo.getMatchedResources()}), cached per class and
 * method, so that Jersey and RESTEasy decide alike although they hand {@code ResourceInfo}
 * different {@code Method}s (RESTEasy even names the interface as resource class when
 * {@code @Path} is on it). As a {@link Feature} it also registers one authentication filter
 * ({@code Priorities.AUTHENTICATION}) that verifies the token and installs the security context;
 * it never refuses by itself.
 *
 * <h2>Precedence rules</h2>
 * Written down in the manner of Jersey's {@code RolesAllowedDynamicFeature}:
 * <ol>
 *   <li>Where annotations are looked for, nearest first: the resource method; the superclass
 *       methods it overrides (nearest superclass first); the interface methods it implements
 *       (interfaces of the class, then of its superclasses, each followed by its superinterfaces);
 *       then, at class level, the resource class, its superclasses, its interfaces in the same
 *       order. The first element carrying any of {@code @DenyAll}, {@code @PermitAll},
 *       {@code @RolesAllowed}, {@code @RequiresPermission} decides, as a set; the elements after
 *       it are ignored. So method level beats class level, an overriding method's annotations
 *       beat the overridden one's, and the resource class beats its superclasses, which beat
 *       interfaces. With none anywhere, the {@link Unannotated} mode applies. Bridge methods and
 *       generic supertypes are resolved to the implementation method; a method that cannot be
 *       resolved to exactly one is denied to everyone (403).</li>
 *   <li>On one element, {@code @DenyAll} wins over everything: 403 for every caller, with or
 *       without a token (a token would not help, so no 401).</li>
 *   <li>{@code @PermitAll} next to {@code @RolesAllowed} or {@code @RequiresPermission} on the same
 *       element is a contradiction and fails deployment (on a sub-resource, which is only seen
 *       when a request reaches it, the method is denied to everyone and the error logged).</li>
 *   <li>{@code @PermitAll}: no token needed. A valid token of a principal the attribute store
 *       knows as active still yields a principal; an invalid or expired token, or a disabled or
 *       unknown principal, yields none ({@code getUserPrincipal()} null, {@code isUserInRole}
 *       false). The method is public, and refusing would only punish clients that send a stale
 *       token everywhere.</li>
 *   <li>{@code @RolesAllowed} and {@code @RequiresPermission} on the same element must both pass:
 *       first one of the roles (from the attribute store, never from token claims), then the
 *       policy decision.</li>
 *   <li>Sub-resource locators: the rule of each locator on the way (found the same way: its
 *       method, overridden and implemented methods, then its class and supertypes) applies to
 *       every method of the sub-resource it returns, together with the sub-resource method's own;
 *       all must pass ({@code @DenyAll} anywhere denies, a sub-resource's {@code @PermitAll} does
 *       not lift a locator's {@code @RolesAllowed}). The {@link Unannotated} mode applies only
 *       when no element of the chain is annotated. The locator is told apart from other locators
 *       of its class returning the same type by the URI segment it matched, as JAX-RS selects
 *       it; when that is not possible, the rules of all candidates apply, and when no locator of
 *       the parent can have returned the sub-resource, the request is denied. Note that JAX-RS
 *       runs locator methods while matching, before any request filter: keep them free of side
 *       effects.</li>
 * </ol>
 * After an allowing policy decision, the {@link dev.portcullis.Authorization} (decision id,
 * policy, rule) is the request property {@code dev.portcullis.authorization}; the verified token
 * is the request property {@value Portcullis#IDENTITY_ATTRIBUTE}.
 *
 * <p>Both filters only translate: the annotations become a {@link dev.portcullis.Requirement} and
 * the engine decides the request ({@link Portcullis#decide}), as it does behind the servlet
 * filter. Every method that is not public also loads the principal's fresh attributes (once per
 * request): a principal disabled in or unknown to the attribute store is refused 403 even on
 * methods that name no role or permission, and that refusal, like a role or policy denial, is
 * written to the decision log with the {@code decision_id} the problem body carries.
 *
 * <p>Every non-public method needs a valid token: none or a bad one is answered 401 with a
 * {@code WWW-Authenticate: Bearer} challenge (unlike Jersey's {@code RolesAllowedDynamicFeature},
 * which answers anonymous callers 403); a denial is 403; a key or attribute store outage is 503
 * with {@code Retry-After}. Each carries an {@code application/problem+json} body and is produced
 * with {@code abortWith}: no exception reaches the runtime's mappers.
 *
 * <h2>Finding the engine</h2>
 * With {@link #PortcullisFeature(Portcullis)} or {@link #PortcullisFeature(Portcullis, Unannotated)}
 * that engine serves every request. The no-argument constructor (for runtime discovery) looks, per
 * request, at:
 * <ol>
 *   <li>the request property {@value Portcullis#ENGINE_ATTRIBUTE}, which the Portcullis servlet
 *       filter sets when it runs in front of JAX-RS in a servlet container;</li>
 *   <li>else the application property {@value Portcullis#ENGINE_ATTRIBUTE} holding a
 *       {@link Portcullis} instance;</li>
 *   <li>else an engine built once at deployment with {@code Portcullis.fromSettings} from the
 *       application's {@code portcullis.*} properties, under system properties and environment
 *       variables ({@link Settings#fromSystem}), when they name an issuer.</li>
 * </ol>
 * When none is found a request that needs authentication is answered 503 and the error is logged.
 * If the servlet filter has already verified the request's token (request property
 * {@value Portcullis#IDENTITY_ATTRIBUTE}) with the very engine serving the request (request
 * property {@value Portcullis#ENGINE_ATTRIBUTE} is that instance), that identity is reused: the
 * signature is never verified twice. A feature constructed with an engine of its own verifies the
 * token itself whenever the filter's engine is another instance: an identity verified under other
 * issuer, audience or key settings is never trusted.
 *
 * <h2>Closing the engine it built</h2>
 * The engine of the third lookup is built once per application and settings, and shared by every
 * instance of this feature there (a runtime may make several: RESTEasy makes one per extension
 * interface, and each must authenticate and authorize with the same engine, caches and
 * revocations). The feature instances own it together; the last to {@link #close() close} closes
 * it when the application stops: its decision-log thread, attribute loader threads and connection pool, policy
 * watcher and key fetch threads would otherwise outlive every redeployment. JAX-RS defines no such
 * callback for providers, so each way the runtimes offer is used (closing twice is harmless):
 * <ul>
 *   <li>Jersey calls {@code @PreDestroy} on features it instantiated itself (registered by class,
 *       or discovered), and the feature registers a Jersey {@code ContainerLifecycleListener}
 *       whose {@code onShutdown} covers instances registered by the application;</li>
 *   <li>in a servlet container (RESTEasy 6.2 tells no provider that the application stops), the
 *       listener that {@code PortcullisInitializer}, in the filter jar, adds to every web
 *       application closes it on {@code contextDestroyed}: keep that initializer enabled (an
 *       {@code <absolute-ordering>} that leaves out the {@code portcullis} fragment disables it);</li>
 *   <li>elsewhere, call {@link #close()} when the application stops.</li>
 * </ul>
 * An engine given to a constructor, set as application property or brought by the servlet filter
 * is never closed by the feature: its owner closes it (the filter in {@code destroy()}). A
 * deployment that fails after the feature built its engine closes it at once.
 *
 * <h2>Settings</h2>
 * Read from the JAX-RS application properties (and system properties / {@code PORTCULLIS_*}
 * environment variables, which override them):
 * <ul>
 *   <li>{@value #UNANNOTATED}: {@code deny}, {@code authenticated} or {@code permit}, default
 *       {@code authenticated}; ignored when the mode is given to the constructor;</li>
 *   <li>{@value #REALM}: the realm of {@code WWW-Authenticate} challenges, default
 *       {@code portcullis};</li>
 *   <li>the engine's own settings ({@code portcullis.issuer}...) for the third lookup above.</li>
 * </ul>
 *
 * <h2>Startup checks</h2>
 * Deployment fails with an {@link IllegalStateException} naming the class, method, resource kind
 * and action when a {@code @RequiresPermission} names a kind and action that no loaded policy
 * covers ({@link Portcullis#covers}), or when annotations are malformed or contradictory. (When
 * the engine only becomes known per request, the coverage check cannot run; uncovered actions are
 * then denied by the engine.) Methods left to the {@link Unannotated} mode are listed in one INFO
 * log line, when the first request arrives (JAX-RS has no portable end-of-deployment callback).
 *
 * <p>Use one instance per application. Thread safety: the {@code configure} methods are called by
 * the runtime during deployment and are synchronized; the filters they register are immutable and
 * thread-safe.
 */
@Provider
public final class PortcullisFeature implements Feature, DynamicFeature, AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(PortcullisFeature.class);

    /** Setting: what unannotated resource methods require ({@code deny|authenticated|permit}). */
    public static final String UNANNOTATED = SettingNames.JAXRS_UNANNOTATED;
    /** Setting: the realm of the {@code WWW-Authenticate} challenge, default {@code portcullis}. */
    public static final String REALM = SettingNames.REALM;

    /**
     * Setting: {@code false} switches off instances made with the no-argument constructor, as
     * {@code @Provider} scanning makes them; default {@code true}.
     */
    public static final String AUTO_REGISTER = SettingNames.JAXRS_AUTO_REGISTER;

    private static final String DEFAULT_REALM = "portcullis";
    /** Whether Jersey's server SPI is here (then {@link JerseyShutdown} may be loaded). */
    private static final boolean JERSEY = present("org.glassfish.jersey.server.spi.ContainerLifecycleListener");

    private final Portcullis engine;
    private final Unannotated mode;

    private Deployment deployment;
    private final Set<String> unannotated = new LinkedHashSet<>();
    private final Set<String> runtimeProvided = new LinkedHashSet<>();
    private final AtomicBoolean unannotatedLogged = new AtomicBoolean();
    /** The engine this feature built from settings and must close; null once closed. Guarded by this. */
    private Portcullis built;
    /** The application's class loader the built engine is registered under in {@link ApplicationEngines}. */
    private ClassLoader builtFor;
    /** The settings the built engine was shared under in {@link ApplicationEngines}. */
    private Object builtKey;

    /**
     * For runtime discovery: finds the engine per request (see the class documentation) and reads
     * the unannotated mode from {@value #UNANNOTATED}.
     */
    public PortcullisFeature() {
        this.engine = null;
        this.mode = null;
    }

    /** Guards with this engine; the unannotated mode comes from {@value #UNANNOTATED}. */
    public PortcullisFeature(Portcullis engine) {
        this.engine = Objects.requireNonNull(engine, "engine");
        this.mode = null;
    }

    /** Guards with this engine and treats unannotated methods as {@code mode} says. */
    public PortcullisFeature(Portcullis engine, Unannotated mode) {
        this.engine = Objects.requireNonNull(engine, "engine");
        this.mode = Objects.requireNonNull(mode, "mode");
    }

    /**
     * Registers the authentication filter; returns false, registering nothing, when this instance
     * was made by the no-argument constructor and {@value #AUTO_REGISTER} is {@code false}.
     */
    @Override
    public boolean configure(FeatureContext context) {
        Deployment d = deployment(context.getConfiguration());
        if (d.disabled) {
            LOG.info("Portcullis: JAX-RS feature not enabled: {}=false", AUTO_REGISTER);
            return false;
        }
        context.register(d.authenticationFilter, Priorities.AUTHENTICATION);
        if (d.built != null && JERSEY && context.getClass().getName().startsWith("org.glassfish.jersey.")) {
            JerseyShutdown.register(context, this);
        }
        return true;
    }

    /**
     * Closes the engine this feature built from settings, if it did (see "Closing the engine it
     * built" in the class documentation); never an engine it was given or found. Idempotent;
     * called by the runtime ({@code @PreDestroy}) or by whoever stops the application.
     */
    @PreDestroy
    @Override
    public void close() {
        Portcullis engine;
        ClassLoader loader;
        Object key;
        synchronized (this) {
            engine = built;
            loader = builtFor;
            key = builtKey;
            built = null;
        }
        if (engine != null) {
            LOG.debug("Portcullis: the JAX-RS feature releases the engine it shares");
            ApplicationEngines.release(loader, key); // the last instance of the application closes it
            ApplicationEngines.closed(loader, this);
        }
    }

    private static boolean present(String className) {
        try {
            Class.forName(className, false, PortcullisFeature.class.getClassLoader());
            return true;
        } catch (ClassNotFoundException | LinkageError e) {
            return false;
        }
    }

    /** Closes the engine this feature built and returns {@code e}, which fails the deployment. */
    private IllegalStateException failDeployment(IllegalStateException e) {
        close();
        return e;
    }

    /** Reads one resource method's annotations and registers its authorization filter. */
    @Override
    public void configure(ResourceInfo resourceInfo, FeatureContext context) {
        Method method = resourceInfo.getResourceMethod();
        Class<?> type = resourceInfo.getResourceClass();
        if (method == null || type == null) {
            return;
        }
        Deployment d = deployment(context.getConfiguration());
        if (d.disabled) {
            return;
        }
        MethodRule rule;
        try {
            rule = MethodRule.of(type, method, d.mode);
        } catch (IllegalStateException e) {
            if (isRootResource(type)) {
                throw failDeployment(e); // seen at deployment: fail it
            }
            // A sub-resource, met only when a request first reaches it: failing here would answer
            // 500; its filter denies every request instead, and Requirements logs the error.
            context.register(new AuthorizationFilter(type, method, d.requirements, d.authenticator),
                    Priorities.AUTHORIZATION);
            return;
        }
        MethodRule.Permission permission = rule.permission();
        if (permission != null && d.startupEngine != null
                && !d.startupEngine.covers(permission.resource(), permission.action())) {
            throw failDeployment(new IllegalStateException("Portcullis: @RequiresPermission on " + rule.where()
                    + " names resource kind '" + permission.resource() + "' and action '" + permission.action()
                    + "', which no loaded policy covers"));
        }
        synchronized (this) {
            if (!rule.annotated()) {
                if (isRuntimeProvided(type)) {
                    runtimeProvided.add(rule.where());
                } else {
                    unannotated.add(rule.where());
                }
            }
        }
        LOG.debug("Portcullis rule {}", rule);
        context.register(new AuthorizationFilter(type, method, d.requirements, d.authenticator),
                Priorities.AUTHORIZATION);
    }

    /** Whether {@code @Path} marks the class (or a supertype) as a root resource, configured at deployment. */
    private static boolean isRootResource(Class<?> type) {
        for (Class<?> c : AnnotationLookup.classChain(type)) {
            if (c.isAnnotationPresent(jakarta.ws.rs.Path.class)) {
                return true;
            }
        }
        return false;
    }

    /** Jersey's and RESTEasy's own resources (WADL, OPTIONS): guarded, but not listed by name. */
    private static boolean isRuntimeProvided(Class<?> type) {
        String name = type.getName();
        return name.startsWith("org.glassfish.jersey.") || name.startsWith("org.jboss.resteasy.");
    }

    /**
     * The application's resource methods seen so far that no annotation covers
     * ({@code class#method}).
     */
    public synchronized List<String> unannotatedMethods() {
        return List.copyOf(unannotated);
    }

    /** Logs, once, the methods left to the unannotated mode. */
    void logUnannotatedOnce() {
        if (!unannotatedLogged.get() && unannotatedLogged.compareAndSet(false, true)) {
            List<String> methods = unannotatedMethods();
            Unannotated m;
            int internal;
            synchronized (this) {
                m = deployment.mode;
                internal = runtimeProvided.size();
            }
            LOG.info("Portcullis: {} resource method(s) without security annotations, treated as '{}': {}"
                    + " (plus {} provided by the JAX-RS runtime, such as WADL and OPTIONS handlers)",
                    methods.size(), m.name().toLowerCase(Locale.ROOT), methods, internal);
        }
    }

    private synchronized Deployment deployment(Configuration configuration) {
        if (deployment == null) {
            deployment = new Deployment(configuration);
            if (deployment.built != null) {
                built = deployment.built;
                builtFor = deployment.application;
                builtKey = deployment.settingsKey;
                ApplicationEngines.opened(builtFor, this);
            }
        }
        return deployment;
    }

    /** What the feature settles once per deployment: settings, the engines, the filters' helpers. */
    private final class Deployment {
        final boolean disabled;
        final Unannotated mode;
        final Portcullis startupEngine;
        /**
         * The engine built from settings, shared with the other instances of this feature in the
         * same application with the same settings (see {@link ApplicationEngines#share}); this
         * instance releases it on close. Null if none was built.
         */
        final Portcullis built;
        final ClassLoader application;
        final Map<String, String> settingsKey;
        final Authenticator authenticator;
        final AuthenticationFilter authenticationFilter;
        final Requirements requirements;

        Deployment(Configuration configuration) {
            Map<String, String> properties = portcullisProperties(configuration);
            Settings settings = Settings.fromSystem(properties, Map.of());
            ClassLoader context = Thread.currentThread().getContextClassLoader();
            this.application = context != null ? context : PortcullisFeature.class.getClassLoader();
            this.settingsKey = Map.copyOf(properties);
            try {
                this.disabled = engine == null && !settings.getBoolean(AUTO_REGISTER, true);
                if (disabled) {
                    this.mode = null;
                    this.startupEngine = null;
                    this.built = null;
                    this.authenticator = null;
                    this.authenticationFilter = null;
                    this.requirements = null;
                    return;
                }
                this.mode = PortcullisFeature.this.mode != null ? PortcullisFeature.this.mode
                        : settings.getEnum(UNANNOTATED, Unannotated.class, Unannotated.AUTHENTICATED);
                String realm = settings.get(REALM, DEFAULT_REALM);
                Portcullis fallback = null;
                Portcullis own = null;
                if (engine == null) {
                    Object configured = configuration.getProperty(Portcullis.ENGINE_ATTRIBUTE);
                    if (configured instanceof Portcullis) {
                        fallback = (Portcullis) configured;
                    } else if (settings.get(SettingNames.ISSUER).isPresent()
                            || settings.get(SettingNames.ISSUERS).isPresent()) {
                        own = ApplicationEngines.share(application, settingsKey, () -> Portcullis.fromSettings(settings));
                        fallback = own;
                    }
                }
                this.built = own;
                this.startupEngine = engine != null ? engine : fallback;
                if (startupEngine == null) {
                    LOG.info("Portcullis: no engine known at deployment; each request must bring one (servlet"
                            + " filter), and @RequiresPermission coverage cannot be checked at startup");
                }
                this.authenticator = new Authenticator(engine, fallback, realm);
                this.authenticationFilter = new AuthenticationFilter(PortcullisFeature.this, authenticator);
                this.requirements = new Requirements(mode);
            } catch (ConfigurationException e) {
                // a bad setting, or policies that do not load (PolicyLoadException)
                throw new IllegalStateException("Portcullis configuration error: " + e.describe(), e);
            }
        }
    }

    private static Map<String, String> portcullisProperties(Configuration configuration) {
        Map<String, String> out = new HashMap<>();
        for (Map.Entry<String, Object> e : configuration.getProperties().entrySet()) {
            if (e.getKey() != null && e.getKey().startsWith(Settings.PREFIX) && e.getValue() instanceof String) {
                out.put(e.getKey(), (String) e.getValue());
            }
        }
        return out;
    }
}
