package dev.portcullis.policy.internal;

import dev.portcullis.config.ConfigurationException;
import dev.portcullis.config.SettingNames;
import dev.portcullis.config.Settings;
import dev.portcullis.policy.Decision;
import dev.portcullis.policy.EvaluationMode;
import dev.portcullis.policy.PolicyEvaluator;
import dev.portcullis.policy.PrincipalContext;
import dev.portcullis.policy.ResourceContext;
import dev.portcullis.policy.plan.Plan;
import dev.portcullis.policy.plan.PlanException;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The built-in {@link PolicyEvaluator}: evaluates Cerbos policies ({@code apiVersion:
 * api.cerbos.dev/v1}) with the semantics the Cerbos documentation gives.
 *
 * <p>Supported: resource policies (rules with {@code actions} including globs such as {@code *},
 * {@code view:*}, {@code view:**} and {@code {view,edit}*}, see {@link CerbosGlob}, {@code effect},
 * {@code roles} including {@code *} and globs,
 * {@code derivedRoles}, {@code condition}, {@code name}); derived roles policies; principal
 * policies, which take precedence over resource policies; {@code variables} and
 * {@code constants} ({@code local} and {@code import}) with {@code exportVariables} and
 * {@code exportConstants} policies; conditions {@code match} with {@code expr},
 * {@code all.of}, {@code any.of}, {@code none.of}, nested. Expressions are CEL with
 * {@code request.principal} / {@code P}, {@code request.resource} / {@code R}, {@code V},
 * {@code C}, {@code now()} and the Cerbos functions {@code hasIntersection}, {@code intersect},
 * {@code except}, {@code isSubset}, {@code timeSince}, {@code inIPAddrRange} and
 * {@code hierarchy} (with {@code ancestorOf}, {@code descendentOf}, {@code immediateChildOf},
 * {@code immediateParentOf}, {@code commonAncestors}, {@code siblingOf}, {@code overlaps},
 * {@code size}, indexing); scoped policies with {@code scopePermissions}, role policies, rule
 * outputs ({@link Decision#outputs()}), schemas ({@code _schemas/}), engine globals
 * ({@code G}/{@code globals}), {@code runtime.effectiveDerivedRoles}, {@code request.auxData.jwt}
 * (see {@link ScopedDecider}). Refused at load, with file and line: script conditions and any
 * unknown field.
 *
 * <p>Precedence: a matching principal policy rule decides first; a matching
 * {@code EFFECT_DENY} rule beats any {@code EFFECT_ALLOW}; no match means deny. A condition that
 * fails at run time (missing attribute, wrong type) is handled as the {@link EvaluationMode} says:
 * {@link EvaluationMode#STRICT} (the default) fails closed, the decision is a denial carrying the
 * error; {@link EvaluationMode#LENIENT} (Cerbos's default) treats it as not satisfied.
 * {@link #decide} never throws.
 *
 * <p>Loading reads {@code *.yaml}, {@code *.yml} and {@code *.json} files recursively, skipping
 * {@code *_test.*} suites and {@code testdata/} fixtures; each expression is compiled and
 * type-checked once, rules are indexed by resource kind, version and action. Problems throw
 * {@link PolicyLoadException} naming file and line.
 *
 * <p>Settings read by {@link #fromSettings(Settings)}:
 * <ul>
 *   <li>{@value SettingNames#POLICY_DIR}: the policy directory, or {@code classpath:} followed by a resource
 *       location; required, no default.</li>
 *   <li>{@value SettingNames#POLICY_RELOAD}: watch the directory and reload on change (see
 *       {@link ReloadingPolicyEvaluator}); default {@code false}; only for directories.</li>
 *   <li>{@value SettingNames#POLICY_EVALUATION}: {@code strict} (default) or {@code lenient}, see
 *       {@link EvaluationMode}.</li>
 *   <li>{@value SettingNames#POLICY_GLOBALS}: a YAML or JSON file of engine globals
 *       ({@code G}/{@code globals}); default none.</li>
 *   <li>{@value SettingNames#POLICY_LENIENT_SCOPE_SEARCH}: use the nearest ancestor scope's
 *       resource policy when the requested scope has none; default {@code false}.</li>
 *   <li>{@value SettingNames#POLICY_SCHEMA_ENFORCEMENT}: {@code reject} (default), {@code warn}
 *       or {@code none}.</li>
 * </ul>
 *
 * <pre>{@code
 * PolicyEvaluator policies = CerbosPolicyEvaluator.load(Path.of("/etc/app/policies"));
 * Decision d = policies.decide(PrincipalContext.of("dave", Set.of("editor")),
 *         ResourceContext.of("document", "42", Map.of("owner", "dave")), "update");
 * }</pre>
 *
 * <p>Thread safety: immutable after loading; safe for concurrent use.
 */
public final class CerbosPolicyEvaluator implements PolicyEvaluator {
    /** Prefix of a classpath location in {@link SettingNames#POLICY_DIR}. */
    public static final String CLASSPATH_PREFIX = "classpath:";

    private final PolicySet set;
    private final String source;
    private final List<PolicyFiles.SourceFile> files;
    private final PolicyLoader.Options options;
    private final Map<String, Object> globals;
    private final Clock clock;
    private final boolean strict;
    private final ResourcePlanner planner;
    private final CelEnv env;
    private final java.time.Instant loadedAt;
    private final String version;

    private CerbosPolicyEvaluator(PolicySet set, CelEnv env, String source, List<PolicyFiles.SourceFile> files,
                                  PolicyLoader.Options options, Map<String, Object> globals, Clock clock,
                                  boolean strict, java.time.Instant loadedAt) {
        this.clock = clock;
        this.set = set;
        this.source = source;
        this.files = files;
        this.options = options;
        this.globals = globals;
        this.strict = strict;
        this.env = env;
        this.planner = new ResourcePlanner(set, env, globals, strict);
        this.loadedAt = loadedAt;
        this.version = version(files);
    }

    /** How conditions that fail at run time are treated. */
    public EvaluationMode evaluationMode() {
        return strict ? EvaluationMode.STRICT : EvaluationMode.LENIENT;
    }

    /**
     * The set's version: the first 12 hex digits of SHA-256 over the files' names and texts in
     * name order, so two nodes (or two loads) with the same policies report the same version.
     */
    private static String version(List<PolicyFiles.SourceFile> files) {
        List<PolicyFiles.SourceFile> sorted = new java.util.ArrayList<>(files);
        sorted.sort(java.util.Comparator.comparing(PolicyFiles.SourceFile::name));
        try {
            java.security.MessageDigest sha = java.security.MessageDigest.getInstance("SHA-256");
            for (PolicyFiles.SourceFile f : sorted) {
                sha.update(f.name().getBytes(java.nio.charset.StandardCharsets.UTF_8));
                sha.update((byte) 0);
                sha.update(f.content().getBytes(java.nio.charset.StandardCharsets.UTF_8));
                sha.update((byte) 0);
            }
            return java.util.HexFormat.of().formatHex(sha.digest()).substring(0, 12);
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing", e);
        }
    }

    /** The set's version (a digest of its files: equal texts, equal version). */
    public String version() {
        return version;
    }

    /** When this set was loaded (by the builder's clock). */
    public java.time.Instant loadedAt() {
        return loadedAt;
    }

    /**
     * The same policy texts compiled again with another clock behind {@code now()} and
     * {@code timeSince()} (used by test suites that fix {@code options.now}).
     */
    public CerbosPolicyEvaluator withClock(Clock clock) {
        Objects.requireNonNull(clock, "clock");
        CelEnv env = new CelEnv(clock);
        return new CerbosPolicyEvaluator(new PolicyLoader(env, options).load(files), env, source, files,
                options, globals, clock, strict, loadedAt);
    }

    /** The same policy texts compiled again with other engine globals (used by test suites). */
    public CerbosPolicyEvaluator withGlobals(Map<String, ?> globals) {
        return new CerbosPolicyEvaluator(set, env, source, files, options, CelValues.attributes(globals), clock, strict,
                loadedAt);
    }

    /** The same policy texts compiled again with lenient scope search on or off (used by test suites). */
    public CerbosPolicyEvaluator withLenientScopeSearch(boolean lenient) {
        if (options.lenientScopeSearch == lenient) {
            return this;
        }
        PolicyLoader.Options o = new PolicyLoader.Options();
        o.lenientScopeSearch = lenient;
        o.schemaEnforcement = options.schemaEnforcement;
        o.schemaFiles = options.schemaFiles;
        CelEnv env = new CelEnv(clock);
        return new CerbosPolicyEvaluator(new PolicyLoader(env, o).load(files), env, source, files, o, globals,
                clock, strict, loadedAt);
    }

    /** The engine globals policies see as {@code G} / {@code globals}. */
    public Map<String, Object> globals() {
        return globals;
    }

    /** Loads every policy under {@code dir} with the system UTC clock. */
    public static CerbosPolicyEvaluator load(Path dir) {
        return builder().directory(dir).build();
    }

    /** Loads every policy under a classpath location such as {@code policies/demo}. */
    public static CerbosPolicyEvaluator loadClasspath(String location) {
        return builder().classpath(location).build();
    }

    public static Builder builder() {
        return new Builder();
    }

    /**
     * The evaluator configured by {@value SettingNames#POLICY_DIR} and {@value SettingNames#POLICY_RELOAD}: a
     * {@link ReloadingPolicyEvaluator} when reloading is on, else a plain loaded set.
     *
     * @throws ConfigurationException naming the setting when it is missing or unusable
     * @throws PolicyLoadException when the policies do not load
     */
    public static PolicyEvaluator fromSettings(Settings settings) {
        Objects.requireNonNull(settings, "settings");
        String dir = settings.get(SettingNames.POLICY_DIR).orElseThrow(() -> new ConfigurationException(SettingNames.POLICY_DIR,
                "is required when the built-in policy evaluator is used: a directory of Cerbos policies "
                        + "or classpath:location (also settable as " + Settings.environmentName(SettingNames.POLICY_DIR) + ")"));
        boolean reload = settings.getBoolean(SettingNames.POLICY_RELOAD, false);
        java.util.function.UnaryOperator<Builder> engine = EngineSettings.read(settings);
        if (dir.startsWith(CLASSPATH_PREFIX)) {
            String location = dir.substring(CLASSPATH_PREFIX.length());
            if (location.isBlank()) {
                throw new ConfigurationException(SettingNames.POLICY_DIR, "classpath location is empty, was '" + dir + "'");
            }
            if (reload) {
                throw new ConfigurationException(SettingNames.POLICY_RELOAD, "reloading needs a directory, but "
                        + SettingNames.POLICY_DIR + " is a classpath location '" + dir + "'");
            }
            return engine.apply(builder().classpath(location, Thread.currentThread().getContextClassLoader())).build();
        }
        Path path = Path.of(dir);
        if (!Files.isDirectory(path)) {
            throw new ConfigurationException(SettingNames.POLICY_DIR, "must be a readable directory, was '" + dir + "'");
        }
        return reload ? ReloadingPolicyEvaluator.start(path, Clock.systemUTC(), engine)
                : engine.apply(builder().directory(path)).build();
    }

    /** {@value SettingNames#POLICY_EVALUATION}: {@code strict} (the default) or {@code lenient}. */
    static EvaluationMode evaluationMode(Settings settings) {
        String value = settings.get(SettingNames.POLICY_EVALUATION).orElse(null);
        if (value == null) {
            return EvaluationMode.STRICT;
        }
        try {
            return EvaluationMode.fromSettingValue(value);
        } catch (IllegalArgumentException e) {
            throw new ConfigurationException(SettingNames.POLICY_EVALUATION, e.getMessage());
        }
    }

    @Override
    public List<Decision> decide(PrincipalContext principal, ResourceContext resource,
                                 Collection<String> actions) {
        if (actions == null) {
            return List.of();
        }
        List<Decision> out = new ArrayList<>(actions.size());
        if (principal == null || resource == null) {
            for (String a : actions) {
                out.add(Decision.error(String.valueOf(a), null, null, "no principal or resource"));
            }
            return out;
        }
        Evaluation ev = new Evaluation(principal, resource, strict);
        ev.globals = globals;
        ev.allDerivedRoles = set.derivedRoles;
        for (String action : actions) {
            if (action == null) {
                out.add(Decision.error("null", null, null, "action is null"));
                continue;
            }
            try {
                out.add(set.decide(ev, action));
            } catch (RuntimeException | StackOverflowError e) {
                out.add(Decision.error(action, null, null, "evaluation failed: " + e));
            }
        }
        return out;
    }

    /**
     * A query plan by partial evaluation of the compiled rules ({@code ResourcePlanner}): the
     * principal's roles, derived roles and principal-only expressions are folded, what reads
     * {@code R.attr} becomes the plan's condition.
     *
     * @throws PlanException naming a construct over resource attributes that is not planned, or
     *         what of a scoped request cannot be planned exactly (a resource schema under reject,
     *         a role policy reading the resource)
     */
    @Override
    public Plan plan(PrincipalContext principal, String resourceKind, String action, String scope) {
        Objects.requireNonNull(principal, "principal");
        Objects.requireNonNull(resourceKind, "resourceKind");
        Objects.requireNonNull(action, "action");
        return planner.plan(principal, resourceKind, action, scope);
    }

    @Override
    public boolean readsAuxData() {
        return set.readsAuxData;
    }

    @Override
    public boolean covers(String resourceKind, String action) {
        return set.covers(resourceKind, action);
    }

    @Override
    public Map<String, String> principalPolicies() {
        Map<String, String> out = new TreeMap<>();
        for (Map.Entry<String, Map<String, PolicySet.PrincipalPolicy>> e : set.principals.entrySet()) {
            for (PolicySet.PrincipalPolicy pp : e.getValue().values()) {
                out.merge(e.getKey(), pp.file, (a, b) -> a.compareTo(b) <= 0 ? a : b);
            }
        }
        if (set.scoped != null) {
            for (Map.Entry<String, Map<String, Map<String, List<PolicySet.PrincipalPolicy>>>> e
                    : set.scoped.principalChains.entrySet()) {
                for (Map<String, List<PolicySet.PrincipalPolicy>> byScope : e.getValue().values()) {
                    for (List<PolicySet.PrincipalPolicy> chain : byScope.values()) {
                        out.merge(e.getKey(), chain.get(0).file, (a, b) -> a.compareTo(b) <= 0 ? a : b);
                    }
                }
            }
        }
        return Collections.unmodifiableMap(out);
    }

    /** The files the policies were read from, as named in messages. */
    public List<String> files() {
        return set.files;
    }

    /** The resource kinds some resource policy governs. */
    public Set<String> resourceKinds() {
        return new TreeSet<>(set.resources.keySet());
    }

    /** Where the policies came from (directory or classpath location). */
    public String source() {
        return source;
    }

    @Override
    public String toString() {
        return "CerbosPolicyEvaluator{" + source + ", " + set.files.size() + " files}";
    }

    /**
     * Builds a {@link CerbosPolicyEvaluator}; set exactly one of {@link #directory(Path)} and
     * {@link #classpath(String)}.
     *
     * <p>Thread safety: not thread-safe.
     */
    public static final class Builder {
        private Path directory;
        private String classpath;
        private ClassLoader classLoader;
        private Clock clock = Clock.systemUTC();
        private EvaluationMode mode = EvaluationMode.STRICT;
        private final PolicyLoader.Options options = new PolicyLoader.Options();
        private Map<String, Object> globals = Map.of();

        private Builder() {
        }

        /** How conditions that fail at run time are treated; default {@link EvaluationMode#STRICT}. */
        public Builder evaluationMode(EvaluationMode mode) {
            this.mode = Objects.requireNonNull(mode, SettingNames.POLICY_EVALUATION);
            return this;
        }

        /**
         * Engine globals, seen by conditions as {@code G} and {@code globals} (Cerbos
         * {@code engine.globals}); default none. Setting: {@value SettingNames#POLICY_GLOBALS}.
         */
        public Builder globals(Map<String, ?> globals) {
            this.globals = CelValues.attributes(Objects.requireNonNull(globals, SettingNames.POLICY_GLOBALS));
            return this;
        }

        /**
         * Cerbos's lenient scope search: when no resource policy has the requested scope, use the
         * nearest ancestor scope that has one; default {@code false} (the request is denied, naming the
         * missing scope). Setting: {@value SettingNames#POLICY_LENIENT_SCOPE_SEARCH}.
         */
        public Builder lenientScopeSearch(boolean lenient) {
            options.lenientScopeSearch = lenient;
            return this;
        }

        /**
         * What attributes that fail a resource policy's {@code schemas} cause: {@code reject} (default:
         * every action is denied, the decision names the problems), {@code warn} (logged, decided as
         * usual) or {@code none} (schemas not checked). Setting:
         * {@value SettingNames#POLICY_SCHEMA_ENFORCEMENT}.
         *
         * @throws ConfigurationException naming the setting for another value
         */
        public Builder schemaEnforcement(String enforcement) {
            Objects.requireNonNull(enforcement, SettingNames.POLICY_SCHEMA_ENFORCEMENT);
            try {
                options.schemaEnforcement = ScopedDecider.SchemaEnforcement.valueOf(
                        enforcement.trim().toUpperCase(java.util.Locale.ROOT));
            } catch (IllegalArgumentException e) {
                throw new ConfigurationException(SettingNames.POLICY_SCHEMA_ENFORCEMENT,
                        "must be reject, warn or none, was '" + enforcement + "'");
            }
            return this;
        }

        /** Policy directory, read recursively. */
        public Builder directory(Path dir) {
            Objects.requireNonNull(dir, SettingNames.POLICY_DIR);
            this.directory = dir;
            return this;
        }

        /** Classpath location of the policies, read with this class's loader. */
        public Builder classpath(String location) {
            return classpath(location, null);
        }

        /** Classpath location of the policies, read with {@code loader} (null: this class's). */
        public Builder classpath(String location, ClassLoader loader) {
            Objects.requireNonNull(location, SettingNames.POLICY_DIR);
            if (location.isBlank()) {
                throw new ConfigurationException(SettingNames.POLICY_DIR, "classpath location must not be empty");
            }
            this.classpath = location;
            this.classLoader = loader;
            return this;
        }

        /** The clock behind {@code now()} and {@code timeSince()}; default system UTC. */
        public Builder clock(Clock clock) {
            this.clock = Objects.requireNonNull(clock, "clock");
            return this;
        }

        /**
         * Loads, compiles and indexes the policies.
         *
         * @throws PolicyLoadException naming file, line and problem
         */
        public CerbosPolicyEvaluator build() {
            if ((directory == null) == (classpath == null)) {
                throw new ConfigurationException(SettingNames.POLICY_DIR, "set exactly one of directory and classpath");
            }
            CelEnv env = new CelEnv(clock);
            if (directory != null) {
                List<PolicyFiles.SourceFile> files = PolicyFiles.policies(directory, directory.toString());
                options.schemaFiles = PolicyFiles.schemas(directory);
                return new CerbosPolicyEvaluator(new PolicyLoader(env, options).load(files), env, directory.toString(),
                        files, options, globals, clock, mode == EvaluationMode.STRICT, clock.instant());
            }
            String display = CLASSPATH_PREFIX + classpath;
            List<PolicyFiles.SourceFile> files = PolicyFiles.withClasspathDirectory(classpath, classLoader,
                    dir -> {
                        options.schemaFiles = PolicyFiles.schemas(dir);
                        return PolicyFiles.policies(dir, display);
                    });
            return new CerbosPolicyEvaluator(new PolicyLoader(env, options).load(files), env, display, files, options,
                    globals, clock, mode == EvaluationMode.STRICT, clock.instant());
        }
    }
}
