package dev.portcullis.internal.metrics;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What the engine tells its metrics: one call per event that no existing counter holds (a
 * decision with its effect, reason, resource kind and action and its time; a whole request; a
 * token verification). Counters the engine's parts already keep (caches, key fetches, decision-log
 * drops, hygiene reports, policy reloads) are not counted twice: the Micrometer implementation
 * reads them ({@link MeteredParts}).
 *
 * <p>{@link #create} returns {@link #NONE} when Micrometer is not on the class path: the
 * implementation that uses Micrometer types ({@code MicrometerMetrics}) is then never loaded, so
 * an application without Micrometer never sees a {@link NoClassDefFoundError}.
 *
 * <p>Tag values are bounded: effect, reason code, resource kind and action (from the route table,
 * annotations and policies, never from the request), the token's algorithm (of verified tokens
 * only; refused ones are tagged by reason), the issuer (configured ones only). Never a subject,
 * token, request path or resource id.
 *
 * <pre>{@code
 * EngineMetrics metrics = EngineMetrics.create(registryOrNull, parts);
 * metrics.decision("DENY", "access_denied", "document", "update", nanos);
 * }</pre>
 *
 * <p>Thread safety: implementations are thread-safe.
 */
public interface EngineMetrics extends AutoCloseable {
    /** Records nothing. */
    EngineMetrics NONE = new EngineMetrics() {
        @Override
        public String toString() {
            return "EngineMetrics.NONE";
        }
    };

    /** The Micrometer class whose presence switches metrics on. */
    String MICROMETER_REGISTRY = "io.micrometer.core.instrument.MeterRegistry";

    /**
     * A decision written to the decision log.
     *
     * @param effect {@code ALLOW} or {@code DENY}
     * @param reason the refusal reason code, or null when allowed
     * @param kind the resource kind, or null (refused before a resource was known)
     * @param action the action, or null
     * @param nanos time from the start of the decision to its record
     */
    default void decision(String effect, String reason, String kind, String action, long nanos) {
    }

    /**
     * One request decided by the engine, counted once: by the outcome of its last step, with the
     * time of all its steps.
     *
     * @param outcome {@code admitted}, {@code refused} or {@code handled}
     * @param reason the refusal reason code, or null
     */
    default void request(String outcome, String reason, long nanos) {
    }

    /**
     * A token verification (a token cache miss, or no cache).
     *
     * @param algorithm the verified token's {@code alg}, or null when refused
     * @param reason the refusal reason code, or null when verified
     */
    default void tokenVerification(String algorithm, String reason) {
    }

    /** Removes this engine's meters from the registry (an undeployed application leaves none). */
    @Override
    default void close() {
    }

    /**
     * Metrics for an engine: with Micrometer on the class path, bound to {@code registry} (a
     * {@code MeterRegistry}; null: Micrometer's global registry); without it {@link #NONE}.
     *
     * @throws IllegalArgumentException when {@code registry} is given but is not a Micrometer
     *         {@code MeterRegistry} of this class loader (or Micrometer is missing)
     */
    static EngineMetrics create(Object registry, MeteredParts parts) {
        if (!micrometerPresent(EngineMetrics.class.getClassLoader())) {
            if (registry != null) {
                throw new IllegalArgumentException("a meter registry was given but Micrometer ("
                        + MICROMETER_REGISTRY + ") is not on the class path");
            }
            return NONE;
        }
        try {
            Class<?> impl = Class.forName("dev.portcullis.internal.metrics.MicrometerMetrics", true,
                    EngineMetrics.class.getClassLoader());
            return (EngineMetrics) impl.getMethod("bind", Object.class, MeteredParts.class).invoke(null, registry, parts);
        } catch (java.lang.reflect.InvocationTargetException e) {
            if (e.getCause() instanceof IllegalArgumentException) {
                throw (IllegalArgumentException) e.getCause();
            }
            LoggerFactory.getLogger(EngineMetrics.class).warn("metrics are off: {}", e.getCause().toString());
            return NONE;
        } catch (ReflectiveOperationException | LinkageError e) {
            Logger log = LoggerFactory.getLogger(EngineMetrics.class);
            log.warn("metrics are off: Micrometer could not be used ({})", e.toString());
            return NONE;
        }
    }

    /**
     * {@code registry}, when it is a Micrometer {@code MeterRegistry} of this class loader.
     *
     * @throws IllegalArgumentException otherwise, or when Micrometer is not on the class path
     */
    static Object checkRegistry(Object registry) {
        ClassLoader loader = EngineMetrics.class.getClassLoader();
        if (!micrometerPresent(loader)) {
            throw new IllegalArgumentException("a meter registry was given but Micrometer (" + MICROMETER_REGISTRY
                    + ") is not on the class path");
        }
        try {
            if (!Class.forName(MICROMETER_REGISTRY, false, loader).isInstance(registry)) {
                throw new IllegalArgumentException("not a Micrometer MeterRegistry of Portcullis' class loader: "
                        + registry.getClass().getName());
            }
        } catch (ClassNotFoundException e) {
            throw new IllegalArgumentException("Micrometer is not on the class path", e);
        }
        return registry;
    }

    /** Whether Micrometer can be loaded through {@code loader}. */
    static boolean micrometerPresent(ClassLoader loader) {
        try {
            Class.forName(MICROMETER_REGISTRY, false, loader);
            return true;
        } catch (ClassNotFoundException | LinkageError e) {
            return false;
        }
    }
}
