package dev.portcullis.policy.internal;

import dev.portcullis.config.SettingNames;
import dev.portcullis.policy.Decision;
import dev.portcullis.policy.EvaluationMode;
import dev.portcullis.policy.PolicyEvaluator;
import dev.portcullis.policy.PolicyLoadException;
import dev.portcullis.policy.PrincipalContext;
import dev.portcullis.policy.ResourceContext;
import dev.portcullis.policy.testing.internal.PolicyTestRunner;
import dev.portcullis.policy.testing.internal.TestReport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.ClosedWatchServiceException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardWatchEventKinds;
import java.nio.file.WatchKey;
import java.nio.file.WatchService;
import java.time.Clock;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A {@link PolicyEvaluator} over a policy directory that reloads when files change. Each reload
 * builds the complete new set (parse, compile, index), runs the directory's test suites against
 * it, and only then swaps it in atomically; on any failure the previous set stays active and the
 * reason is logged and kept in {@link #lastFailure()}. Decisions in flight finish on the set they
 * started with.
 *
 * <p>Off by default ({@value SettingNames#POLICY_RELOAD}); the initial load fails
 * startup like {@link CerbosPolicyEvaluator#load(Path)}. A background daemon thread named
 * {@code portcullis-policy-watcher} waits for file events, lets them settle briefly, then calls
 * {@link #reload()}; {@link #close()} stops it.
 *
 * <pre>{@code
 * try (ReloadingPolicyEvaluator policies = ReloadingPolicyEvaluator.start(dir, Clock.systemUTC())) {
 *     ... policies.decide(principal, resource, actions) ...
 * }
 * }</pre>
 *
 * <p>Thread safety: safe for concurrent use; reloads are serialised.
 */
public final class ReloadingPolicyEvaluator implements PolicyEvaluator, AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(ReloadingPolicyEvaluator.class);
    private static final long SETTLE_MILLIS = 250;

    private final Path dir;
    private final Clock clock;
    private final EvaluationMode mode;
    private final WatchService watchService;
    private final Thread thread;
    private volatile CerbosPolicyEvaluator current;
    private volatile String lastFailure;
    private final java.util.concurrent.atomic.LongAdder reloads = new java.util.concurrent.atomic.LongAdder();
    private final java.util.concurrent.atomic.LongAdder reloadFailures = new java.util.concurrent.atomic.LongAdder();

    private volatile java.util.function.UnaryOperator<CerbosPolicyEvaluator.Builder> options = b -> b;

    private ReloadingPolicyEvaluator(Path dir, Clock clock, CerbosPolicyEvaluator initial, boolean watch) {
        this.dir = dir;
        this.clock = clock;
        this.mode = initial.evaluationMode();
        this.current = initial;
        if (watch) {
            Thread self = Thread.currentThread();
            ClassLoader context = self.getContextClassLoader();
            // the JDK's own watch thread inherits the context class loader: not the application's
            self.setContextClassLoader(null);
            WatchService service = null;
            try {
                service = FileSystems.getDefault().newWatchService();
                register(service, dir);
            } catch (IOException e) {
                closeQuietly(service);
                throw new PolicyLoadException(dir.toString(), 0, "cannot watch for changes: " + e.getMessage(), e);
            } finally {
                self.setContextClassLoader(context);
            }
            this.watchService = service;
            this.thread = new Thread(this::watchLoop, "portcullis-policy-watcher");
            this.thread.setDaemon(true);
            this.thread.start();
        } else {
            this.watchService = null;
            this.thread = null;
        }
    }

    /**
     * Loads {@code dir} and starts watching it.
     *
     * @throws PolicyLoadException when the initial set does not load
     */
    public static ReloadingPolicyEvaluator start(Path dir, Clock clock) {
        return start(dir, clock, EvaluationMode.STRICT);
    }

    /**
     * Loads {@code dir}, evaluating in {@code mode}, and starts watching it; the test suites that
     * gate a reload run in the same mode.
     *
     * @throws PolicyLoadException when the initial set does not load
     */
    public static ReloadingPolicyEvaluator start(Path dir, Clock clock, EvaluationMode mode) {
        Objects.requireNonNull(dir, SettingNames.POLICY_DIR);
        Objects.requireNonNull(clock, "clock");
        Objects.requireNonNull(mode, SettingNames.POLICY_EVALUATION);
        return new ReloadingPolicyEvaluator(dir, clock, build(dir, clock, mode), true);
    }

    /**
     * Loads {@code dir} with engine options (globals, scope search, schema enforcement) applied to
     * every build, and starts watching it.
     *
     * @throws PolicyLoadException when the initial set does not load
     */
    public static ReloadingPolicyEvaluator start(Path dir, Clock clock,
                                                 java.util.function.UnaryOperator<CerbosPolicyEvaluator.Builder> options) {
        Objects.requireNonNull(dir, SettingNames.POLICY_DIR);
        Objects.requireNonNull(clock, "clock");
        Objects.requireNonNull(options, "options");
        ReloadingPolicyEvaluator r = new ReloadingPolicyEvaluator(dir, clock,
                options.apply(CerbosPolicyEvaluator.builder().directory(dir).clock(clock)).build(), true);
        r.options = options;
        return r;
    }

    /** Loads {@code dir} without a watcher thread; call {@link #reload()} to pick up changes. */
    public static ReloadingPolicyEvaluator manual(Path dir, Clock clock) {
        Objects.requireNonNull(dir, SettingNames.POLICY_DIR);
        Objects.requireNonNull(clock, "clock");
        return new ReloadingPolicyEvaluator(dir, clock, build(dir, clock, EvaluationMode.STRICT), false);
    }

    private static CerbosPolicyEvaluator build(Path dir, Clock clock, EvaluationMode mode) {
        return CerbosPolicyEvaluator.builder().directory(dir).clock(clock).evaluationMode(mode).build();
    }

    /**
     * Builds and verifies a new set from the directory and swaps it in.
     *
     * @return true if the new set is now active, false if the old one was kept
     */
    public synchronized boolean reload() {
        CerbosPolicyEvaluator next;
        try {
            next = options.apply(CerbosPolicyEvaluator.builder().directory(dir).clock(clock).evaluationMode(mode))
                    .build();
            TestReport report = PolicyTestRunner.builder().clock(clock).evaluationMode(next.evaluationMode()).build()
                    .run(dir, next);
            if (report.failed() > 0) {
                lastFailure = "policy tests failed (" + report.passed() + " passed, " + report.failed()
                        + " failed): " + report.firstFailure().orElse("");
                LOG.warn("Policies under {} not reloaded, keeping the previous set: {}", dir, lastFailure);
                reloadFailures.increment();
                return false;
            }
        } catch (PolicyLoadException | UncheckedIOException e) {
            lastFailure = e.getMessage();
            LOG.warn("Policies under {} not reloaded, keeping the previous set: {}", dir, lastFailure);
            reloadFailures.increment();
            return false;
        }
        current = next;
        reloads.increment();
        lastFailure = null;
        LOG.info("Policies under {} reloaded: {} files", dir, next.files().size());
        return true;
    }

    /** The set in use now. */
    public CerbosPolicyEvaluator current() {
        return current;
    }

    /** Reloads that put a new set in use. */
    public long reloads() {
        return reloads.sum();
    }

    /** Reloads refused (the set did not load or its tests failed); the previous set stayed in use. */
    public long reloadFailures() {
        return reloadFailures.sum();
    }

    /** Why the last reload was refused, if it was. */
    public Optional<String> lastFailure() {
        return Optional.ofNullable(lastFailure);
    }

    @Override
    public List<Decision> decide(PrincipalContext principal, ResourceContext resource,
                                 Collection<String> actions) {
        return current.decide(principal, resource, actions);
    }

    @Override
    public dev.portcullis.policy.plan.Plan plan(PrincipalContext principal, String resourceKind, String action,
                                                String scope) {
        return current.plan(principal, resourceKind, action, scope);
    }

    @Override
    public boolean covers(String resourceKind, String action) {
        return current.covers(resourceKind, action);
    }

    @Override
    public boolean readsAuxData() {
        return current.readsAuxData();
    }

    @Override
    public Map<String, String> principalPolicies() {
        return current.principalPolicies();
    }

    /** Stops watching and waits (up to 2 s) for the watcher thread to end; the current set stays usable. */
    @Override
    public void close() {
        if (watchService != null) {
            try {
                watchService.close();
            } catch (IOException e) {
                LOG.debug("closing the policy watch service", e);
            }
            thread.interrupt();
            if (thread != Thread.currentThread()) {
                try {
                    thread.join(2000);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
        }
    }

    private void registerAll() throws IOException {
        register(watchService, dir);
    }

    private static void register(WatchService service, Path dir) throws IOException {
        try (Stream<Path> walk = Files.walk(dir)) {
            for (Path p : (Iterable<Path>) walk.filter(Files::isDirectory)::iterator) {
                p.register(service, StandardWatchEventKinds.ENTRY_CREATE,
                        StandardWatchEventKinds.ENTRY_DELETE, StandardWatchEventKinds.ENTRY_MODIFY);
            }
        }
    }

    private static void closeQuietly(WatchService service) {
        if (service != null) {
            try {
                service.close();
            } catch (IOException e) {
                LOG.debug("closing the policy watch service", e);
            }
        }
    }

    private void watchLoop() {
        try {
            while (!Thread.currentThread().isInterrupted()) {
                WatchKey key = watchService.take();
                drain(key);
                WatchKey more;
                while ((more = watchService.poll(SETTLE_MILLIS, TimeUnit.MILLISECONDS)) != null) {
                    drain(more);
                }
                try {
                    registerAll();
                } catch (IOException | UncheckedIOException e) {
                    LOG.warn("Cannot watch new folders under {}: {}", dir, e.getMessage());
                }
                reload();
            }
        } catch (InterruptedException | ClosedWatchServiceException e) {
            Thread.currentThread().interrupt();
        } catch (RuntimeException e) {
            LOG.error("Policy watcher for {} stopped; policies will no longer reload", dir, e);
        }
    }

    private static void drain(WatchKey key) {
        key.pollEvents();
        key.reset();
    }
}
