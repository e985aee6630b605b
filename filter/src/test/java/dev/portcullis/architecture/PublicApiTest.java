package dev.portcullis.architecture;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.lang.reflect.Modifier;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The rule docs/architecture.md states for the public API: every public top-level type of the
 * filter module is either one an application touches (listed here) or lies in an
 * {@code internal} package. JPMS cannot enforce this for WAR deployment (see the document), so
 * this test loads every compiled class under {@code target/classes} and names each public type
 * that is neither.
 */
class PublicApiTest {
    private static final Path CLASSES = Path.of("target/classes");

    /** The public API of the filter module: what an application, an SPI implementation or a test touches. */
    static final Set<String> API = Set.of(
            // the engine, its request and outcome
            "dev.portcullis.Portcullis", "dev.portcullis.AccessRequest", "dev.portcullis.Requirement",
            "dev.portcullis.Outcome", "dev.portcullis.Health", "dev.portcullis.Refusal", "dev.portcullis.Reason",
            "dev.portcullis.PortcullisException", "dev.portcullis.Authorization", "dev.portcullis.BearerPrincipal",
            // settings
            "dev.portcullis.config.Settings", "dev.portcullis.config.SettingNames",
            "dev.portcullis.config.ConfigurationException",
            // the verified token
            "dev.portcullis.token.VerifiedToken",
            // SPI: attribute sources
            "dev.portcullis.attributes.AttributeSource", "dev.portcullis.attributes.PrincipalAttributes",
            "dev.portcullis.attributes.PrincipalStatus", "dev.portcullis.attributes.AttributeSourceException",
            "dev.portcullis.attributes.PrincipalKey",
            // SPI: policies and resources
            "dev.portcullis.policy.PolicyEvaluator", "dev.portcullis.policy.PrincipalContext",
            "dev.portcullis.policy.ResourceContext", "dev.portcullis.policy.Decision", "dev.portcullis.policy.Effect",
            "dev.portcullis.policy.ResourceResolver", "dev.portcullis.policy.PolicyLoadException",
            "dev.portcullis.policy.EvaluationMode",
            // query plans for list endpoints
            "dev.portcullis.policy.plan.Plan", "dev.portcullis.policy.plan.PlanCondition",
            "dev.portcullis.policy.plan.PlanException", "dev.portcullis.policy.plan.SqlWhere",
            // policy tests in JUnit, the CLI, the servlet adapter
            "dev.portcullis.policy.testing.PolicyTests", "dev.portcullis.cli.Main",
            "dev.portcullis.servlet.PortcullisFilter", "dev.portcullis.servlet.PortcullisInitializer");

    @Test
    void compiledClassesWhenLoadedThenEveryPublicTypeIsApiOrInternal() throws Exception {
        List<String> offenders = new ArrayList<>();
        Set<String> publicApi = new TreeSet<>();
        int loaded = 0;
        for (String name : topLevelClassNames(CLASSES)) {
            Class<?> type = Class.forName(name, false, getClass().getClassLoader());
            loaded++;
            if (!Modifier.isPublic(type.getModifiers())) {
                continue;
            }
            if (API.contains(name)) {
                publicApi.add(name);
            } else if (!allowed(name, Set.of())) {
                offenders.add(name);
            }
        }
        assertThat(loaded).as("classes loaded from " + CLASSES).isGreaterThan(100);
        assertThat(offenders).as("public types outside the API list and outside internal packages;"
                + " make them package-private or move them to an internal package").isEmpty();
        assertThat(publicApi).as("every listed API type exists and is public").isEqualTo(new TreeSet<>(API));
    }

    @Test
    void allowedWhenInternalPackageOrListedThenTrueElseFalse() {
        assertThat(allowed("dev.portcullis.token.internal.TokenValidator", Set.of())).isTrue();
        assertThat(allowed("dev.portcullis.internal.audit.DecisionLog", Set.of())).isTrue();
        assertThat(allowed("dev.portcullis.attributes.internal.AttributeCache", Set.of())).isTrue();
        assertThat(allowed("dev.portcullis.attributes.AttributeCache", Set.of())).isFalse();
        assertThat(allowed("dev.portcullis.token.TokenValidator", Set.of())).isFalse();
        assertThat(allowed("dev.portcullis.internalish.Thing", Set.of())).isFalse();
        assertThat(allowed("dev.portcullis.Portcullis", Set.of())).isFalse();
    }

    /** True when {@code name} lies in a package with an {@code internal} segment, or is listed. */
    static boolean allowed(String name, Set<String> listed) {
        String pkg = name.substring(0, name.lastIndexOf('.'));
        return listed.contains(name) || ("." + pkg + ".").contains(".internal.");
    }

    /** Binary names of the top-level classes compiled under {@code root} (no nested, no package-info). */
    static List<String> topLevelClassNames(Path root) throws IOException {
        List<String> names = new ArrayList<>();
        try (Stream<Path> files = Files.walk(root)) {
            files.filter(f -> f.toString().endsWith(".class")).forEach(f -> {
                String rel = root.relativize(f).toString().replace('\\', '/');
                String name = rel.substring(0, rel.length() - ".class".length()).replace('/', '.');
                if (!name.contains("$") && !name.endsWith("package-info") && !name.endsWith("module-info")) {
                    names.add(name);
                }
            });
        }
        names.sort(null);
        return names;
    }
}
