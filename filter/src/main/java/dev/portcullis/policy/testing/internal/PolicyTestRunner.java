package dev.portcullis.policy.testing.internal;

import dev.portcullis.policy.internal.CerbosPolicyEvaluator;
import dev.portcullis.policy.Decision;
import dev.portcullis.policy.Effect;
import dev.portcullis.policy.EvaluationMode;
import dev.portcullis.policy.PolicyEvaluator;
import dev.portcullis.policy.PolicyLoadException;
import dev.portcullis.policy.PrincipalContext;
import dev.portcullis.policy.ResourceContext;
import dev.portcullis.policy.internal.CelValues;
import dev.portcullis.policy.internal.PolicyFiles;
import dev.portcullis.policy.internal.YamlNode;

import dev.portcullis.policy.testing.internal.TestReport;
import java.io.StringReader;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.function.Function;

/**
 * Runs policy test suites written in the Cerbos test format ({@code *_test.yaml},
 * {@code *_test.yml}, {@code *_test.json}) against an evaluator and reports, for every test,
 * principal, resource and action, the expected and the actual effect.
 *
 * <p>Suite fields: {@code name}, {@code description}, {@code skip}, {@code skipReason},
 * {@code options} ({@code now}, {@code defaultPolicyVersion}), {@code principals},
 * {@code principalGroups}, {@code resources}, {@code resourceGroups}, {@code tests}. Each test has
 * {@code name}, optional {@code description}, {@code skip}, {@code skipReason}, {@code options},
 * an {@code input} ({@code principals}, {@code principalGroups}, {@code resources},
 * {@code resourceGroups}, {@code actions}) and {@code expected} entries ({@code principal} /
 * {@code principals} / {@code principalGroups}, {@code resource} / {@code resources} /
 * {@code resourceGroups}, {@code actions: {action: EFFECT_ALLOW|EFFECT_DENY}}). Combinations not
 * listed in {@code expected} are expected to be denied. Shared fixtures come from
 * {@code testdata/principals.yaml} and {@code testdata/resources.yaml} next to the suite. Also
 * supported: {@code scope} on principals and resources, {@code options.defaultScope},
 * {@code options.lenientScopeSearch}, {@code options.globals}, {@code auxData} (suite-level
 * entries with {@code jwt}, or {@code testdata/auxdata.yaml}, named by a test's {@code input.auxData}) and expected
 * {@code outputs} ({@code [{action, expected: [{src, val}]}]}: each listed output must be among
 * the decision's).
 *
 * <pre>{@code
 * TestReport report = PolicyTestRunner.builder().build().run(Path.of("policies"));
 * }</pre>
 *
 * <p>Thread safety: immutable; safe for concurrent use.
 */
public final class PolicyTestRunner {
    private static final String[] EXTENSIONS = {".yaml", ".yml", ".json"};

    private final Clock clock;
    private final EvaluationMode mode;

    private PolicyTestRunner(Clock clock, EvaluationMode mode) {
        this.clock = clock;
        this.mode = mode;
    }

    public static Builder builder() {
        return new Builder();
    }

    /**
     * Loads the policies under {@code dir} with the built-in evaluator (once per distinct
     * {@code options.now}) and runs every suite under it.
     *
     * @throws PolicyLoadException when the policies do not load
     */
    public TestReport run(Path dir) {
        return run(dir, CerbosPolicyEvaluator.builder().directory(dir).clock(clock).evaluationMode(mode).build());
    }

    /**
     * Runs every suite under {@code dir} against {@code evaluator}. For suites that set
     * {@code options.now}, a {@link CerbosPolicyEvaluator} is recompiled with that fixed clock;
     * any other evaluator's clock cannot be changed, so such suites fail.
     */
    public TestReport run(Path dir, PolicyEvaluator evaluator) {
        Objects.requireNonNull(evaluator, "evaluator");
        Map<Instant, PolicyEvaluator> byNow = new HashMap<>();
        return runAll(dir, dir.toString(), now -> {
            if (now == null) {
                return evaluator;
            }
            if (evaluator instanceof CerbosPolicyEvaluator) {
                return byNow.computeIfAbsent(now,
                        n -> ((CerbosPolicyEvaluator) evaluator).withClock(Clock.fixed(n, ZoneOffset.UTC)));
            }
            throw new IllegalStateException("options.now needs the built-in evaluator; "
                    + evaluator.getClass().getName() + " has its own clock");
        });
    }

    /** Loads the policies at a classpath location and runs the suites found there. */
    public TestReport runClasspath(String location, ClassLoader loader) {
        String display = CerbosPolicyEvaluator.CLASSPATH_PREFIX + location;
        CerbosPolicyEvaluator standard = CerbosPolicyEvaluator.builder().classpath(location, loader).clock(clock)
                .evaluationMode(mode).build();
        return PolicyFiles.withClasspathDirectory(location, loader, dir -> {
            Map<Instant, PolicyEvaluator> byNow = new HashMap<>();
            return runAll(dir, display, now -> now == null ? standard : byNow.computeIfAbsent(now,
                    n -> standard.withClock(Clock.fixed(n, ZoneOffset.UTC))));
        });
    }

    private TestReport runAll(Path dir, String display, Function<Instant, PolicyEvaluator> evaluators) {
        List<TestReport.SuiteResult> results = new ArrayList<>();
        for (PolicyFiles.SourceFile f : PolicyFiles.testSuites(dir, display)) {
            results.add(runSuite(f, evaluators));
        }
        return new TestReport(results);
    }

    private TestReport.SuiteResult runSuite(PolicyFiles.SourceFile file, Function<Instant, PolicyEvaluator> evaluators) {
        String name = file.name();
        try {
            List<YamlNode> docs = YamlNode.parseAll(file.name(), new StringReader(file.content()));
            if (docs.size() != 1) {
                throw new PolicyLoadException(file.name(), 0, "a test suite file must hold exactly one document");
            }
            YamlNode.Fields suite = docs.get(0).fields("test suite", "name", "description", "skip", "skipReason",
                    "options", "principals", "principalGroups", "resources", "resourceGroups", "auxData", "tests");
            name = suite.text("name");
            Fixtures fx = new Fixtures();
            if (suite.has("auxData")) {
                fx.auxData.putAll(suite.require("auxData").entries("auxData"));
            }
            Path testdata = file.path().resolveSibling("testdata");
            String testdataDisplay = file.name().contains("/")
                    ? file.name().substring(0, file.name().lastIndexOf('/') + 1) + "testdata/" : "testdata/";
            fx.readTestdata(testdata, testdataDisplay);
            SuiteOptions suiteOptions = SuiteOptions.read(suite.get("options"), SuiteOptions.NONE);
            fx.readPrincipals(suite.get("principals"), suite.get("principalGroups"));
            fx.readResources(suite.get("resources"), suite.get("resourceGroups"));
            boolean skipSuite = suite.has("skip") && suite.require("skip").bool("skip");
            List<TestReport.CheckResult> checks = new ArrayList<>();
            for (YamlNode t : suite.require("tests").list("tests")) {
                runTest(t, fx, suiteOptions, skipSuite, evaluators, checks);
            }
            return new TestReport.SuiteResult(name, file.name(), null, checks);
        } catch (PolicyLoadException | IllegalStateException | IllegalArgumentException e) {
            return new TestReport.SuiteResult(name, file.name(), e.getMessage(), List.of());
        }
    }

    private void runTest(YamlNode t, Fixtures fx, SuiteOptions suiteOptions, boolean skipSuite,
                         Function<Instant, PolicyEvaluator> evaluators, List<TestReport.CheckResult> out) {
        YamlNode.Fields test = t.fields("test", "name", "description", "skip", "skipReason", "options", "input",
                "expected");
        String testName = test.text("name");
        boolean skip = skipSuite || test.has("skip") && test.require("skip").bool("skip");
        SuiteOptions options = SuiteOptions.read(test.get("options"), suiteOptions);
        YamlNode.Fields input = test.require("input").fields("input", "principals", "principalGroups",
                "resources", "resourceGroups", "actions", "auxData");
        Map<String, Object> jwt = fx.auxData(input.get("auxData"));
        List<String> principals = fx.principalNames(input.get("principals"), input.get("principalGroups"),
                test.require("input"));
        List<String> resources = fx.resourceNames(input.get("resources"), input.get("resourceGroups"),
                test.require("input"));
        List<String> actions = input.texts("actions");
        if (actions.isEmpty()) {
            throw test.require("input").error("test '" + testName + "' input needs actions");
        }
        Map<String, Effect> expected = new HashMap<>();
        Map<String, List<Decision.Output>> outputs = new HashMap<>();
        YamlNode expectedNode = test.get("expected");
        if (expectedNode != null) {
            for (YamlNode e : expectedNode.list("expected")) {
                YamlNode.Fields ef = e.fields("expected entry", "principal", "principals", "principalGroups",
                        "resource", "resources", "resourceGroups", "actions", "outputs");
                Map<String, List<Decision.Output>> wantOutputs = expectedOutputs(ef.get("outputs"));
                List<String> ps = new ArrayList<>();
                if (ef.has("principal")) {
                    ps.add(ef.text("principal"));
                }
                ps.addAll(fx.principalNames(ef.get("principals"), ef.get("principalGroups"), null));
                List<String> rs = new ArrayList<>();
                if (ef.has("resource")) {
                    rs.add(ef.text("resource"));
                }
                rs.addAll(fx.resourceNames(ef.get("resources"), ef.get("resourceGroups"), null));
                if (ps.isEmpty() || rs.isEmpty()) {
                    throw e.error("expected entry needs a principal and a resource");
                }
                Map<String, YamlNode> acts = ef.require("actions").entries("expected actions");
                for (String p : ps) {
                    if (!principals.contains(p)) {
                        throw e.error("expected principal '" + p + "' is not in the test input");
                    }
                    for (String r : rs) {
                        if (!resources.contains(r)) {
                            throw e.error("expected resource '" + r + "' is not in the test input");
                        }
                        for (Map.Entry<String, YamlNode> a : acts.entrySet()) {
                            if (!actions.contains(a.getKey())) {
                                throw a.getValue().error("expected action '" + a.getKey() + "' is not in the test input");
                            }
                            Effect eff;
                            try {
                                eff = Effect.fromCerbosName(a.getValue().text("effect"));
                            } catch (IllegalArgumentException ex) {
                                throw a.getValue().error(ex.getMessage());
                            }
                            expected.put(p + '\u0000' + r + '\u0000' + a.getKey(), eff);
                        }
                        for (Map.Entry<String, List<Decision.Output>> o : wantOutputs.entrySet()) {
                            outputs.put(p + '\u0000' + r + '\u0000' + o.getKey(), o.getValue());
                        }
                    }
                }
            }
        }
        PolicyEvaluator evaluator = skip ? null : engine(evaluators.apply(options.now), options);
        for (String p : principals) {
            PrincipalContext pc = fx.principal(p, options.defaultVersion, options.defaultScope);
            if (!jwt.isEmpty()) {
                pc = pc.withAuxDataJwt(jwt);
            }
            for (String r : resources) {
                ResourceContext rc = fx.resource(r, options.defaultVersion, options.defaultScope);
                List<Decision> ds = skip ? null : evaluator.decide(pc, rc, actions);
                for (int i = 0; i < actions.size(); i++) {
                    String a = actions.get(i);
                    String key = p + '\u0000' + r + '\u0000' + a;
                    Effect want = expected.getOrDefault(key, Effect.DENY);
                    Decision d = ds == null ? null : ds.get(i);
                    out.add(new TestReport.CheckResult(testName, p, r, a, want, d,
                            d == null ? null : TestOutputs.mismatch(outputs.get(key), d.outputs())));
                }
            }
        }
    }

    /** The evaluator with the test's globals and scope search applied (built-in evaluator only). */
    private static PolicyEvaluator engine(PolicyEvaluator evaluator, SuiteOptions options) {
        if (options.globals == null && options.lenient == null) {
            return evaluator;
        }
        if (!(evaluator instanceof CerbosPolicyEvaluator)) {
            throw new IllegalStateException("options.globals and options.lenientScopeSearch need the built-in "
                    + "evaluator; " + evaluator.getClass().getName() + " has its own");
        }
        CerbosPolicyEvaluator c = (CerbosPolicyEvaluator) evaluator;
        if (options.lenient != null) {
            c = c.withLenientScopeSearch(options.lenient);
        }
        return options.globals == null ? c : c.withGlobals(options.globals);
    }

    /** {@code outputs: [{action, expected: [{src, val}]}]} of an expected entry, by action. */
    private static Map<String, List<Decision.Output>> expectedOutputs(YamlNode node) {
        Map<String, List<Decision.Output>> out = new HashMap<>();
        if (node == null) {
            return out;
        }
        for (YamlNode o : node.list("outputs")) {
            YamlNode.Fields f = o.fields("expected output", "action", "expected");
            List<Decision.Output> list = new ArrayList<>();
            for (YamlNode e : f.require("expected").list("expected outputs")) {
                YamlNode.Fields ef = e.fields("expected output value", "src", "val");
                list.add(new Decision.Output(ef.text("src"),
                        ef.get("val") == null ? null : CelValues.value(ef.get("val").toJava())));
            }
            out.put(f.text("action"), list);
        }
        return out;
    }

    /** Named principals and resources (suite and testdata) and their groups. */
    private static final class Fixtures {
        private final Map<String, YamlNode> principals = new LinkedHashMap<>();
        private final Map<String, YamlNode> resources = new LinkedHashMap<>();
        private final Map<String, List<String>> principalGroups = new LinkedHashMap<>();
        private final Map<String, List<String>> resourceGroups = new LinkedHashMap<>();
        final Map<String, YamlNode> auxData = new LinkedHashMap<>();

        void readTestdata(Path testdata, String display) {
            for (String ext : EXTENSIONS) {
                PolicyFiles.SourceFile f = PolicyFiles.readIfExists(testdata.resolve("principals" + ext),
                        display + "principals" + ext);
                if (f != null) {
                    for (YamlNode doc : YamlNode.parseAll(f.name(), new StringReader(f.content()))) {
                        YamlNode.Fields fields = doc.fields("principals fixture", "principals", "principalGroups");
                        readPrincipals(fields.get("principals"), fields.get("principalGroups"));
                    }
                }
                f = PolicyFiles.readIfExists(testdata.resolve("resources" + ext), display + "resources" + ext);
                if (f != null) {
                    for (YamlNode doc : YamlNode.parseAll(f.name(), new StringReader(f.content()))) {
                        YamlNode.Fields fields = doc.fields("resources fixture", "resources", "resourceGroups");
                        readResources(fields.get("resources"), fields.get("resourceGroups"));
                    }
                }
                f = PolicyFiles.readIfExists(testdata.resolve("auxdata" + ext), display + "auxdata" + ext);
                if (f != null) {
                    for (YamlNode doc : YamlNode.parseAll(f.name(), new StringReader(f.content()))) {
                        YamlNode a = doc.fields("auxData fixture", "auxData").get("auxData");
                        if (a != null) {
                            auxData.putAll(a.entries("auxData"));
                        }
                    }
                }
            }
        }

        void readPrincipals(YamlNode defs, YamlNode groups) {
            if (defs != null) {
                principals.putAll(defs.entries("principals"));
            }
            if (groups != null) {
                for (Map.Entry<String, YamlNode> g : groups.entries("principalGroups").entrySet()) {
                    principalGroups.put(g.getKey(),
                            g.getValue().fields("principal group", "principals").texts("principals"));
                }
            }
        }

        void readResources(YamlNode defs, YamlNode groups) {
            if (defs != null) {
                resources.putAll(defs.entries("resources"));
            }
            if (groups != null) {
                for (Map.Entry<String, YamlNode> g : groups.entries("resourceGroups").entrySet()) {
                    resourceGroups.put(g.getKey(),
                            g.getValue().fields("resource group", "resources").texts("resources"));
                }
            }
        }

        List<String> principalNames(YamlNode names, YamlNode groups, YamlNode required) {
            return names(names, groups, required, principals, principalGroups, "principal");
        }

        List<String> resourceNames(YamlNode names, YamlNode groups, YamlNode required) {
            return names(names, groups, required, resources, resourceGroups, "resource");
        }

        private static List<String> names(YamlNode names, YamlNode groups, YamlNode required,
                                          Map<String, YamlNode> defined, Map<String, List<String>> definedGroups,
                                          String what) {
            Set<String> out = new LinkedHashSet<>();
            if (names != null) {
                for (YamlNode n : names.list(what + "s")) {
                    String s = n.text(what);
                    if (!defined.containsKey(s)) {
                        throw n.error(what + " '" + s + "' is not defined in the suite or testdata");
                    }
                    out.add(s);
                }
            }
            if (groups != null) {
                for (YamlNode n : groups.list(what + "Groups")) {
                    String g = n.text(what + " group");
                    List<String> members = definedGroups.get(g);
                    if (members == null) {
                        throw n.error(what + " group '" + g + "' is not defined");
                    }
                    for (String m : members) {
                        if (!defined.containsKey(m)) {
                            throw n.error(what + " '" + m + "' of group '" + g + "' is not defined");
                        }
                        out.add(m);
                    }
                }
            }
            if (required != null && out.isEmpty()) {
                throw required.error("test input needs at least one " + what);
            }
            return new ArrayList<>(out);
        }

        /** The {@code jwt} of the named {@code auxData} entry; empty when none is named. */
        Map<String, Object> auxData(YamlNode ref) {
            if (ref == null) {
                return Map.of();
            }
            String name = ref.text("auxData");
            YamlNode n = auxData.get(name);
            if (n == null) {
                throw ref.error("auxData '" + name + "' is not defined");
            }
            YamlNode jwt = n.fields("auxData '" + name + "'", "jwt").get("jwt");
            Object m = jwt == null ? null : jwt.toJava();
            if (m != null && !(m instanceof Map)) {
                throw jwt.error("auxData jwt must be a mapping");
            }
            @SuppressWarnings("unchecked")
            Map<String, Object> claims = (Map<String, Object>) m;
            return CelValues.attributes(claims);
        }

        private static String scope(YamlNode.Fields f, String defaultScope) {
            if (!f.has("scope")) {
                return defaultScope == null ? "" : defaultScope;
            }
            try {
                return PrincipalContext.checkScope(f.text("scope", ""));
            } catch (IllegalArgumentException e) {
                throw f.require("scope").error(e.getMessage());
            }
        }

        PrincipalContext principal(String name, String defaultVersion, String defaultScope) {
            YamlNode n = principals.get(name);
            YamlNode.Fields f = n.fields("principal '" + name + "'", "id", "roles", "attr", "policyVersion", "scope");
            Object attr = f.get("attr") == null ? null : f.get("attr").toJava();
            if (attr != null && !(attr instanceof Map)) {
                throw f.require("attr").error("attr must be a mapping");
            }
            @SuppressWarnings("unchecked")
            PrincipalContext pc = PrincipalContext.of(f.text("id"), f.texts("roles"), (Map<String, Object>) attr);
            String version = f.text("policyVersion", defaultVersion);
            pc = pc.withScope(scope(f, defaultScope));
            return version == null ? pc : pc.withPolicyVersion(version);
        }

        ResourceContext resource(String name, String defaultVersion, String defaultScope) {
            YamlNode n = resources.get(name);
            YamlNode.Fields f = n.fields("resource '" + name + "'", "kind", "id", "attr", "policyVersion", "scope");
            Object attr = f.get("attr") == null ? null : f.get("attr").toJava();
            if (attr != null && !(attr instanceof Map)) {
                throw f.require("attr").error("attr must be a mapping");
            }
            @SuppressWarnings("unchecked")
            ResourceContext rc = ResourceContext.of(f.text("kind"), f.text("id", name), (Map<String, Object>) attr);
            String version = f.text("policyVersion", defaultVersion);
            rc = rc.withScope(scope(f, defaultScope));
            return version == null ? rc : rc.withPolicyVersion(version);
        }
    }

    /**
     * Builds a {@link PolicyTestRunner}.
     *
     * <p>Thread safety: not thread-safe.
     */
    public static final class Builder {
        private Clock clock = Clock.systemUTC();
        private EvaluationMode mode = EvaluationMode.STRICT;

        private Builder() {
        }

        /**
         * How the built-in evaluator treats conditions that fail at run time; default
         * {@link EvaluationMode#STRICT}, the filter's default. Not used by {@link #run(Path, PolicyEvaluator)}.
         */
        public Builder evaluationMode(EvaluationMode mode) {
            this.mode = Objects.requireNonNull(mode, "evaluationMode");
            return this;
        }

        /** The clock for {@code now()} in suites without {@code options.now}; default system UTC. */
        public Builder clock(Clock clock) {
            this.clock = Objects.requireNonNull(clock, "clock");
            return this;
        }

        public PolicyTestRunner build() {
            return new PolicyTestRunner(clock, mode);
        }
    }
}
