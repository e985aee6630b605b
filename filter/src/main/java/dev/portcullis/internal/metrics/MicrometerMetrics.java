package dev.portcullis.internal.metrics;

import dev.portcullis.Reason;
import dev.portcullis.attributes.internal.AttributeCache;
import dev.portcullis.internal.ThreadCounters;
import dev.portcullis.internal.hygiene.ClaimCategory;
import dev.portcullis.internal.hygiene.ClaimHygiene;
import dev.portcullis.policy.internal.ReloadingPolicyEvaluator;
import dev.portcullis.token.internal.IssuerKeyStatus;
import dev.portcullis.token.internal.TokenValidator;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.FunctionTimer;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Metrics;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.TimeGauge;

import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.ToDoubleFunction;

/**
 * {@link EngineMetrics} on a Micrometer {@link MeterRegistry}: loaded by {@link EngineMetrics#create}
 * only when Micrometer is on the class path. The meters and their tags are listed in the README
 * ("Metrics"); {@code MetricsTest} checks both the names and that every tag set stays bounded.
 *
 * <p>Thread safety: thread-safe (meters are cached per tag combination in concurrent maps).
 */
final class MicrometerMetrics implements EngineMetrics {
    static final String NONE = "none";
    /** Every meter's name starts so (built here: a {@code portcullis.*} literal would read as a setting name). */
    static final String PREFIX = "portcullis.";

    private final MeterRegistry registry;
    private final List<Meter> meters = new CopyOnWriteArrayList<>();
    /** The per-request timers, counted per thread (the function timers registered for them hold them weakly). */
    private final Map<List<String>, ThreadCounters> decisions = new ConcurrentHashMap<>();
    private final Map<List<String>, ThreadCounters> requests = new ConcurrentHashMap<>();
    private final Map<List<String>, Counter> verifications = new ConcurrentHashMap<>();

    private MicrometerMetrics(MeterRegistry registry) {
        this.registry = registry;
    }

    /** Called reflectively by {@link EngineMetrics#create}. */
    public static EngineMetrics bind(Object registry, MeteredParts parts) {
        MeterRegistry target;
        if (registry == null) {
            target = Metrics.globalRegistry;
        } else if (registry instanceof MeterRegistry) {
            target = (MeterRegistry) registry;
        } else {
            throw new IllegalArgumentException("not a Micrometer MeterRegistry (of this class loader): "
                    + registry.getClass().getName());
        }
        MicrometerMetrics m = new MicrometerMetrics(target);
        m.bindParts(parts);
        return m;
    }

    @Override
    public void decision(String effect, String reason, String kind, String action, long nanos) {
        List<String> key = List.of(tag(effect), tag(reason), tag(kind), tag(action));
        ThreadCounters timer = decisions.get(key);
        if (timer == null) {
            timer = decisions.computeIfAbsent(key, k -> timer(meter("decisions"),
                    "Decisions written to the decision log, by effect, reason, resource kind and action",
                    Tags.of("effect", k.get(0), "reason", k.get(1), "kind", k.get(2), "action", k.get(3))));
        }
        timer.addEvent(nanos);
    }

    @Override
    public void request(String outcome, String reason, long nanos) {
        List<String> key = List.of(tag(outcome), tag(reason));
        ThreadCounters timer = requests.get(key);
        if (timer == null) {
            timer = requests.computeIfAbsent(key, k -> timer(meter("requests"),
                    "Requests the engine decided, each once by the outcome of its last step (behind the servlet"
                            + " filter, a JAX-RS check is the last step), with the time of all its steps",
                    Tags.of("outcome", k.get(0), "reason", k.get(1))));
        }
        timer.addEvent(nanos);
    }

    /**
     * A function timer (count and total time) over new {@link ThreadCounters}: a request adds to its
     * thread's own cell rather than to a {@code Timer}'s shared count, total and maximum.
     */
    private ThreadCounters timer(String name, String description, Tags tags) {
        ThreadCounters timer = new ThreadCounters(2);
        keep(FunctionTimer.builder(name, timer, t -> t.sum(0), t -> t.sum(1), TimeUnit.NANOSECONDS)
                .description(description)
                .tags(tags)
                .register(registry));
        return timer;
    }

    @Override
    public void tokenVerification(String algorithm, String reason) {
        String result = reason == null ? "verified" : "refused";
        List<String> key = List.of(result, tag(algorithm), tag(reason));
        verifications.computeIfAbsent(key, k -> keep(Counter.builder(meter("token.verifications"))
                .description("Token signature and claim checks (token cache misses), by result, algorithm and reason")
                .tags("result", k.get(0), "alg", k.get(1), "reason", k.get(2))
                .register(registry))).increment();
    }

    @Override
    public void close() {
        for (Meter meter : meters) {
            registry.remove(meter);
        }
        meters.clear();
        decisions.clear();
        requests.clear();
        verifications.clear();
    }

    private void bindParts(MeteredParts p) {
        if (p.tokens != null) {
            counter(meter("token.cache"), "Verified-token cache lookups", Tags.of("result", "hit"), p.tokens,
                    t -> t.hits());
            counter(meter("token.cache"), "Verified-token cache lookups", Tags.of("result", "miss"), p.tokens,
                    t -> t.misses());
        }
        if (p.validator != null) {
            bindKeys(p.validator);
        }
        if (p.attributes != null) {
            bindAttributes(p.attributes);
        }
        if (p.policy instanceof ReloadingPolicyEvaluator) {
            ReloadingPolicyEvaluator reloading = (ReloadingPolicyEvaluator) p.policy;
            counter(meter("policy.reloads"), "Policy reloads, by result", Tags.of("result", "success"), reloading,
                    r -> r.reloads());
            counter(meter("policy.reloads"), "Policy reloads, by result", Tags.of("result", "failure"), reloading,
                    r -> r.reloadFailures());
        }
        if (p.decisions != null) {
            counter(meter("decision.log.dropped"), "Decision records dropped (queue full)", Tags.empty(),
                    p.decisions, d -> d.dropped());
            counter(meter("decision.log.written"), "Decision records written", Tags.empty(), p.decisions,
                    d -> d.written());
        }
        if (p.hygiene != null) {
            bindHygiene(p.hygiene);
        }
    }

    private void bindKeys(TokenValidator validator) {
        Clock clock = Clock.systemUTC();
        for (IssuerKeyStatus status : validator.keyStatus(false)) {
            if (status.state() == IssuerKeyStatus.State.LOCAL) {
                continue;
            }
            String issuer = status.issuer();
            Tags tags = Tags.of("issuer", issuer);
            counter(meter("jwks.fetches"), "Key set fetches", tags, validator,
                    v -> find(v, issuer).fetches());
            counter(meter("jwks.failures"), "Failed key set or discovery fetches", tags, validator,
                    v -> find(v, issuer).failures());
            keep(TimeGauge.builder(meter("jwks.key.age"), validator, TimeUnit.SECONDS,
                            v -> find(v, issuer).fetchedAt()
                                    .map(at -> Duration.between(at, clock.instant()).toMillis() / 1000.0)
                                    .orElse(Double.NaN))
                    .description("Age of the keys in use (since their fetch); NaN before the first good fetch")
                    .tags(tags).register(registry));
        }
    }

    private static IssuerKeyStatus find(TokenValidator validator, String issuer) {
        for (IssuerKeyStatus s : validator.keyStatus(false)) {
            if (s.issuer().equals(issuer)) {
                return s;
            }
        }
        throw new IllegalStateException("issuer vanished: " + issuer);
    }

    private void bindAttributes(AttributeCache cache) {
        counter(meter("attributes.cache"), "Attribute cache lookups", Tags.of("result", "hit"), cache,
                c -> c.hits());
        counter(meter("attributes.cache"), "Attribute cache lookups", Tags.of("result", "miss"), cache,
                c -> c.misses());
        counter(meter("attributes.loads"), "Calls to the attribute source", Tags.empty(), cache, c -> c.loads());
        counter(meter("attributes.load.failures"), "Attribute loads that failed or timed out (store failures)",
                Tags.empty(), cache, c -> c.loadFailures());
        counter(meter("attributes.stale.serves"), "Answers from stale attributes while the store failed",
                Tags.empty(), cache, c -> c.staleServes());
        counter(meter("attributes.revocations"), "Principal revocations", Tags.empty(), cache,
                c -> c.revocations());
        keep(FunctionTimer.builder(meter("attributes.load.latency"), cache, c -> c.timedLoads(),
                        c -> c.loadNanos(), TimeUnit.NANOSECONDS)
                .description("Time of calls to the attribute source").register(registry));
        if (cache.clustered()) {
            counter(meter("attributes.cluster.failures"), "Failed cluster reads and writes", Tags.empty(), cache,
                    c -> c.clusterFailures());
        }
    }

    private void bindHygiene(ClaimHygiene hygiene) {
        for (ClaimCategory category : List.of(ClaimCategory.AUTHORIZATION, ClaimCategory.PERSONAL_DATA)) {
            counter(meter("hygiene.reports"), "Tokens whose claims of a category were reported and withheld",
                    Tags.of("category", category.name().toLowerCase(Locale.ROOT)), hygiene,
                    h -> h.counts().reports(category));
        }
        for (Reason reason : hygiene.counts().refusals().keySet()) {
            counter(meter("hygiene.refusals"), "Tokens refused by claim hygiene, by reason",
                    Tags.of("reason", reason.code()), hygiene, h -> h.counts().refusals(reason));
        }
    }

    private <T> void counter(String name, String description, Tags tags, T obj, ToDoubleFunction<T> count) {
        keep(FunctionCounter.builder(name, obj, count).description(description).tags(tags).register(registry));
    }

    private <M extends Meter> M keep(M meter) {
        meters.add(meter);
        return meter;
    }

    private static String meter(String name) {
        return PREFIX + name;
    }

    private static String tag(String value) {
        return value == null ? NONE : value;
    }

    @Override
    public String toString() {
        return "MicrometerMetrics[" + registry.getClass().getSimpleName() + "]";
    }
}
