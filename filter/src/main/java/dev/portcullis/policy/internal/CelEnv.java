package dev.portcullis.policy.internal;

import com.google.protobuf.Duration;
import com.google.protobuf.Timestamp;
import dev.cel.common.CelAbstractSyntaxTree;
import dev.cel.common.CelFunctionDecl;
import dev.cel.common.CelOptions;
import dev.cel.common.CelOverloadDecl;
import dev.cel.common.CelValidationResult;
import dev.cel.common.types.CelType;
import dev.cel.common.types.ListType;
import dev.cel.common.types.MapType;
import dev.cel.common.types.OpaqueType;
import dev.cel.common.types.SimpleType;
import dev.cel.compiler.CelCompiler;
import dev.cel.compiler.CelCompilerFactory;
import dev.cel.extensions.CelExtensions;
import dev.cel.parser.CelStandardMacro;
import dev.cel.runtime.CelFunctionBinding;
import dev.cel.runtime.CelRuntime;
import dev.cel.runtime.CelRuntimeFactory;
import dev.cel.runtime.CelStandardFunctions;
import dev.cel.runtime.standard.GetMillisecondsFunction;
import dev.cel.validator.CelValidator;
import dev.cel.validator.CelValidatorFactory;
import dev.cel.validator.validators.DurationLiteralValidator;
import dev.cel.validator.validators.RegexLiteralValidator;
import dev.cel.validator.validators.TimestampLiteralValidator;
import dev.cel.runtime.RuntimeEquality;
import dev.cel.runtime.RuntimeHelpers;

import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * The CEL environment Cerbos policies are compiled in: the variables {@code request}, {@code P},
 * {@code R}, {@code V}/{@code variables}, {@code C}/{@code constants}; the standard library,
 * cel-java's strings, math, lists, encoders and sets extensions (as Cerbos offers them), and the
 * Cerbos extension functions ({@code now}, {@code timeSince},
 * {@code hasIntersection}, {@code intersect}, {@code except}, {@code isSubset},
 * {@code inIPAddrRange}, {@code hierarchy} and its methods), each as a typed CEL overload bound to
 * Java code. Compiling type-checks; programs are built once and reused.
 *
 * <p>Thread safety: immutable; the compiler, runtime and programs are safe for concurrent use.
 */
final class CelEnv {
    static final CelType HIERARCHY = OpaqueType.create("hierarchy");
    private static final CelType DYN_MAP = MapType.create(SimpleType.STRING, SimpleType.DYN);
    private static final CelType DYN_LIST = ListType.create(SimpleType.DYN);
    private static final CelOptions OPTIONS = CelOptions.current().enableHeterogeneousNumericComparisons(true).build();

    private final CelCompiler compiler;
    private final CelRuntime runtime;
    private final CelValidator literals;

    CelEnv(Clock clock) {
        CelOptions options = OPTIONS;
        this.compiler = CelCompilerFactory.standardCelCompilerBuilder()
                .setOptions(options)
                .setStandardMacros(CelStandardMacro.STANDARD_MACROS)
                .addLibraries(extensionLibraries(options))
                .addVar("request", DYN_MAP)
                .addVar("P", DYN_MAP)
                .addVar("R", DYN_MAP)
                .addVar("V", DYN_MAP)
                .addVar("variables", DYN_MAP)
                .addVar("C", DYN_MAP)
                .addVar("constants", DYN_MAP)
                .addVar("G", DYN_MAP)
                .addVar("globals", DYN_MAP)
                .addVar("runtime", DYN_MAP)
                .addFunctionDeclarations(declarations())
                .build();
        this.runtime = CelRuntimeFactory.standardCelRuntimeBuilder()
                .setOptions(options)
                .setStandardEnvironmentEnabled(false)
                .setStandardFunctions(standardFunctions())
                .addLibraries(extensionRuntimeLibraries(options))
                .addFunctionBindings(bindings(clock, options.evaluateCanonicalTypesToNativeValues()))
                .build();
        // Cerbos's StdEnv: cel.ASTValidators(ValidateDurationLiterals, ValidateRegexLiterals,
        // ValidateTimestampLiterals): a malformed literal is a compile error, not a run-time one
        this.literals = CelValidatorFactory.standardCelValidatorBuilder(compiler, runtime)
                .addAstValidators(DurationLiteralValidator.INSTANCE, TimestampLiteralValidator.INSTANCE,
                        RegexLiteralValidator.INSTANCE)
                .build();
    }

    /*
     * The cel-go extensions Cerbos's StdEnv enables (internal/conditions/cel.go: OptionalTypes,
     * Bindings, Encoders, Lists, Math, Regex, Sets, Strings, TwoVarComprehensions), each at its
     * latest version, as cel-java has them; strings' format() is added by CelFormat. Not
     * available: cel-go's Network extension (ip(), cidr()), so such expressions do not compile.
     */
    private static List<dev.cel.compiler.CelCompilerLibrary> extensionLibraries(CelOptions options) {
        return List.of(CelExtensions.strings(), CelExtensions.math(), CelExtensions.lists(),
                CelExtensions.encoders(options), CelExtensions.sets(options), CelExtensions.bindings(),
                CelExtensions.optional(), CelExtensions.regex(), CelExtensions.comprehensions());
    }

    private static List<dev.cel.runtime.CelRuntimeLibrary> extensionRuntimeLibraries(CelOptions options) {
        return List.of(CelExtensions.strings(), CelExtensions.math(), CelExtensions.lists(),
                CelExtensions.encoders(options), CelExtensions.sets(options), CelExtensions.optional(),
                CelExtensions.regex(), CelExtensions.comprehensions());
    }

    /*
     * cel-java's duration.getMilliseconds() is the millisecond part (1.5s gives 500); cel-go's, and
     * so Cerbos's, is the whole duration in milliseconds, truncated (Go time.Duration.Milliseconds:
     * 1.5s gives 1500). getHours/getMinutes/getSeconds already agree (whole duration, truncated).
     */
    private static CelStandardFunctions standardFunctions() {
        return CelStandardFunctions.newBuilder()
                .filterFunctions((function, overload) ->
                        overload != GetMillisecondsFunction.GetMillisecondsOverload.DURATION_TO_MILLISECONDS)
                .build();
    }

    static long durationMillis(Object d) {
        long seconds;
        int nanos;
        if (d instanceof java.time.Duration) {
            seconds = ((java.time.Duration) d).getSeconds();
            nanos = ((java.time.Duration) d).getNano();
        } else if (d instanceof Duration) {
            seconds = ((Duration) d).getSeconds();
            nanos = ((Duration) d).getNanos();
        } else {
            throw new IllegalArgumentException("getMilliseconds needs a duration");
        }
        if (seconds < 0 && nanos > 0) {
            seconds++;
            nanos -= 1_000_000_000;
        }
        return Math.addExact(Math.multiplyExact(seconds, 1000L), nanos / 1_000_000);
    }

    /** Compiles and type-checks; the message of the exception is the CEL error text. */
    CelRuntime.Program compile(String expression, boolean mustBeBoolean) throws CompileException {
        CelValidationResult result = compiler.compile(expression);
        if (result.hasError()) {
            throw new CompileException(result.getErrorString());
        }
        try {
            CelAbstractSyntaxTree ast = result.getAst();
            CelValidationResult checked = literals.validate(ast);
            if (checked.hasError()) {
                throw new CompileException(checked.getErrorString());
            }
            CelType type = ast.getResultType();
            if (mustBeBoolean && !type.equals(SimpleType.BOOL) && !type.equals(SimpleType.DYN)) {
                throw new CompileException("condition must be boolean, but the expression has type "
                        + type.name());
            }
            return runtime.createProgram(ast);
        } catch (dev.cel.common.CelValidationException | dev.cel.runtime.CelEvaluationException e) {
            throw new CompileException(e.getMessage());
        }
    }

    /** The parsed (unchecked) AST of an expression that {@link #compile} accepted (for query plans). */
    CelAbstractSyntaxTree parse(String expression) throws CompileException {
        CelValidationResult result = compiler.parse(expression);
        if (result.hasError()) {
            throw new CompileException(result.getErrorString());
        }
        try {
            return result.getAst();
        } catch (dev.cel.common.CelValidationException e) {
            throw new CompileException(e.getMessage());
        }
    }

    /** A program for one sub-expression of a parsed AST (query plans fold principal-only parts). */
    CelRuntime.Program program(CelAbstractSyntaxTree whole, dev.cel.common.ast.CelExpr part) throws CompileException {
        CelValidationResult result = compiler.check(CelAbstractSyntaxTree.newParsedAst(part, whole.getSource()));
        if (result.hasError()) {
            throw new CompileException(result.getErrorString());
        }
        try {
            return runtime.createProgram(result.getAst());
        } catch (dev.cel.common.CelValidationException | dev.cel.runtime.CelEvaluationException e) {
            throw new CompileException(e.getMessage());
        }
    }

    /** A compile (parse or type-check) failure. */
    static final class CompileException extends Exception {
        private static final long serialVersionUID = 1L;

        CompileException(String message) {
            super(message);
        }
    }

    private static List<CelFunctionDecl> declarations() {
        List<CelFunctionDecl> d = new ArrayList<>();
        d.add(CelFunctionDecl.newFunctionDeclaration("format",
                CelOverloadDecl.newMemberOverload("string_format_list", SimpleType.STRING, SimpleType.STRING,
                        DYN_LIST)));
        d.add(CelFunctionDecl.newFunctionDeclaration("now",
                CelOverloadDecl.newGlobalOverload("cerbos_now", SimpleType.TIMESTAMP, List.of())));
        d.add(CelFunctionDecl.newFunctionDeclaration("timeSince",
                CelOverloadDecl.newMemberOverload("cerbos_timestamp_timeSince", SimpleType.DURATION,
                        SimpleType.TIMESTAMP)));
        d.add(CelFunctionDecl.newFunctionDeclaration("hasIntersection",
                CelOverloadDecl.newGlobalOverload("cerbos_hasIntersection_list_list", SimpleType.BOOL,
                        DYN_LIST, DYN_LIST)));
        d.add(CelFunctionDecl.newFunctionDeclaration("intersect",
                CelOverloadDecl.newGlobalOverload("cerbos_intersect_list_list", DYN_LIST, DYN_LIST,
                        DYN_LIST)));
        d.add(CelFunctionDecl.newFunctionDeclaration("except",
                CelOverloadDecl.newMemberOverload("cerbos_list_except_list", DYN_LIST, DYN_LIST,
                        DYN_LIST)));
        d.add(CelFunctionDecl.newFunctionDeclaration("isSubset",
                CelOverloadDecl.newMemberOverload("cerbos_list_isSubset_list", SimpleType.BOOL, DYN_LIST,
                        DYN_LIST)));
        d.add(CelFunctionDecl.newFunctionDeclaration("inIPAddrRange",
                CelOverloadDecl.newMemberOverload("cerbos_string_inIPAddrRange_string", SimpleType.BOOL,
                        SimpleType.STRING, SimpleType.STRING)));
        d.add(CelFunctionDecl.newFunctionDeclaration("hierarchy",
                CelOverloadDecl.newGlobalOverload("cerbos_hierarchy_string", HIERARCHY, SimpleType.STRING),
                CelOverloadDecl.newGlobalOverload("cerbos_hierarchy_string_string", HIERARCHY,
                        SimpleType.STRING, SimpleType.STRING),
                CelOverloadDecl.newGlobalOverload("cerbos_hierarchy_list", HIERARCHY, DYN_LIST)));
        for (String m : List.of("ancestorOf", "descendentOf", "immediateChildOf", "immediateParentOf",
                "siblingOf", "overlaps")) {
            d.add(CelFunctionDecl.newFunctionDeclaration(m,
                    CelOverloadDecl.newMemberOverload("cerbos_hierarchy_" + m, SimpleType.BOOL, HIERARCHY,
                            HIERARCHY)));
        }
        d.add(CelFunctionDecl.newFunctionDeclaration("commonAncestors",
                CelOverloadDecl.newMemberOverload("cerbos_hierarchy_commonAncestors", HIERARCHY, HIERARCHY,
                        HIERARCHY)));
        d.add(CelFunctionDecl.newFunctionDeclaration("size",
                CelOverloadDecl.newMemberOverload("cerbos_hierarchy_size", SimpleType.INT, HIERARCHY),
                CelOverloadDecl.newGlobalOverload("cerbos_size_hierarchy", SimpleType.INT, HIERARCHY)));
        d.add(CelFunctionDecl.newFunctionDeclaration("_[_]",
                CelOverloadDecl.newGlobalOverload("cerbos_index_hierarchy", SimpleType.STRING, HIERARCHY,
                        SimpleType.INT)));
        return d;
    }

    private static List<CelFunctionBinding> bindings(Clock clock, boolean nativeTimes) {
        List<CelFunctionBinding> b = new ArrayList<>();
        b.add(CelFunctionBinding.from("string_format_list", String.class, List.class, CelFormat::format));
        b.add(CelFunctionBinding.from("duration_to_milliseconds", Object.class, CelEnv::durationMillis));
        b.add(CelFunctionBinding.from("cerbos_now", List.of(),
                args -> nativeTimes ? (Object) clock.instant() : timestamp(clock.instant())));
        b.add(CelFunctionBinding.from("cerbos_timestamp_timeSince", Object.class,
                ts -> since(ts, clock.instant())));
        b.add(CelFunctionBinding.from("cerbos_hasIntersection_list_list", List.class, List.class,
                CelEnv::hasIntersection));
        b.add(CelFunctionBinding.from("cerbos_intersect_list_list", List.class, List.class,
                CelEnv::intersect));
        b.add(CelFunctionBinding.from("cerbos_list_except_list", List.class, List.class, CelEnv::except));
        b.add(CelFunctionBinding.from("cerbos_list_isSubset_list", List.class, List.class,
                CelEnv::isSubset));
        b.add(CelFunctionBinding.from("cerbos_string_inIPAddrRange_string", String.class, String.class,
                CelEnv::inIpRange));
        b.add(CelFunctionBinding.from("cerbos_hierarchy_string", String.class,
                s -> Hierarchy.parse(s, ".")));
        b.add(CelFunctionBinding.from("cerbos_hierarchy_string_string", String.class, String.class,
                Hierarchy::parse));
        b.add(CelFunctionBinding.from("cerbos_hierarchy_list", List.class, Hierarchy::of));
        b.add(CelFunctionBinding.from("cerbos_hierarchy_ancestorOf", Hierarchy.class, Hierarchy.class,
                Hierarchy::ancestorOf));
        b.add(CelFunctionBinding.from("cerbos_hierarchy_descendentOf", Hierarchy.class, Hierarchy.class,
                Hierarchy::descendentOf));
        b.add(CelFunctionBinding.from("cerbos_hierarchy_immediateChildOf", Hierarchy.class,
                Hierarchy.class, Hierarchy::immediateChildOf));
        b.add(CelFunctionBinding.from("cerbos_hierarchy_immediateParentOf", Hierarchy.class,
                Hierarchy.class, Hierarchy::immediateParentOf));
        b.add(CelFunctionBinding.from("cerbos_hierarchy_siblingOf", Hierarchy.class, Hierarchy.class,
                Hierarchy::siblingOf));
        b.add(CelFunctionBinding.from("cerbos_hierarchy_overlaps", Hierarchy.class, Hierarchy.class,
                Hierarchy::overlaps));
        b.add(CelFunctionBinding.from("cerbos_hierarchy_commonAncestors", Hierarchy.class,
                Hierarchy.class, Hierarchy::commonAncestors));
        b.add(CelFunctionBinding.from("cerbos_hierarchy_size", Hierarchy.class, Hierarchy::size));
        b.add(CelFunctionBinding.from("cerbos_size_hierarchy", Hierarchy.class, Hierarchy::size));
        b.add(CelFunctionBinding.from("cerbos_index_hierarchy", Hierarchy.class, Long.class,
                Hierarchy::level));
        return b;
    }

    static Timestamp timestamp(Instant i) {
        return Timestamp.newBuilder().setSeconds(i.getEpochSecond()).setNanos(i.getNano()).build();
    }

    /** The time from {@code ts} to {@code now}, in the value model {@code ts} came in. */
    static Object since(Object ts, Instant now) {
        if (ts instanceof Instant) {
            return java.time.Duration.between((Instant) ts, now);
        }
        if (ts instanceof Timestamp) {
            Timestamp t = (Timestamp) ts;
            java.time.Duration d = java.time.Duration.between(
                    Instant.ofEpochSecond(t.getSeconds(), t.getNanos()), now);
            return Duration.newBuilder().setSeconds(d.getSeconds()).setNanos(d.getNano()).build();
        }
        throw new IllegalArgumentException("timeSince needs a timestamp, got "
                + (ts == null ? "null" : ts.getClass().getSimpleName()));
    }

    /*
     * The set functions compare with the runtime's own equality, the one its `==` and the sets
     * extension use (heterogeneous numbers: 1 == 1.0 == 1u, also inside lists and maps; NaN equals
     * nothing), so that hasIntersection(a, b) answers as a.exists(x, b.exists(y, x == y)) does.
     * RuntimeEquality is marked internal in cel-java; CelSetFunctionEqualityTest pins its behaviour
     * against == and the sets extension for this version.
     */
    private static final RuntimeEquality EQUALITY = RuntimeEquality.create(RuntimeHelpers.create(), OPTIONS);

    /** A value wrapped so that hash-based sets use CEL equality. */
    private static final class Key {
        final Object value;
        final int hash;

        Key(Object value) {
            this.value = value;
            this.hash = EQUALITY.hashCode(value);
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Key && EQUALITY.objectEquals(value, ((Key) o).value);
        }

        @Override
        public int hashCode() {
            return hash;
        }
    }

    static boolean hasIntersection(List<?> a, List<?> b) {
        List<?> small = a.size() <= b.size() ? a : b;
        List<?> large = small == a ? b : a;
        if (large.size() > 8) {
            Set<Key> set = keys(large);
            for (Object o : small) {
                if (set.contains(new Key(o))) {
                    return true;
                }
            }
            return false;
        }
        for (Object o : small) {
            for (Object p : large) {
                if (EQUALITY.objectEquals(o, p)) {
                    return true;
                }
            }
        }
        return false;
    }

    /*
     * As Cerbos's cerbos_lib.go intersect: the members of the shorter list (the first when both
     * are as long) that the other holds, in that list's order, duplicates kept.
     */
    static List<Object> intersect(List<?> a, List<?> b) {
        List<?> walk = a.size() > b.size() ? b : a;
        Set<Key> in = keys(walk == a ? b : a);
        List<Object> out = new ArrayList<>();
        for (Object o : walk) {
            if (in.contains(new Key(o))) {
                out.add(o);
            }
        }
        return out;
    }

    static List<Object> except(List<?> a, List<?> b) {
        Set<Key> inB = keys(b);
        List<Object> out = new ArrayList<>();
        for (Object o : a) {
            if (!inB.contains(new Key(o))) {
                out.add(o);
            }
        }
        return out;
    }

    static boolean isSubset(List<?> a, List<?> b) {
        return keys(b).containsAll(keys(a));
    }

    private static Set<Key> keys(List<?> values) {
        Set<Key> out = new HashSet<>(values.size() * 2);
        for (Object o : values) {
            out.add(new Key(o));
        }
        return out;
    }

    /**
     * Whether {@code address} lies in the CIDR {@code range}, as Cerbos (Go's net package) decides
     * it; a malformed address or range is an evaluation error (literal IP syntax only, never a name
     * lookup). See {@link GoNetIp}.
     */
    static boolean inIpRange(String address, String range) {
        return GoNetIp.inRange(address, range);
    }
}
