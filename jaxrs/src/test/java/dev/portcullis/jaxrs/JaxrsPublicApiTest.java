package dev.portcullis.jaxrs;

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
 * JAX-RS module is either one an application touches (listed here) or lies in an
 * {@code internal} package. JPMS cannot enforce this for WAR deployment (see the document), so
 * this test loads every compiled class under {@code target/classes} and names each public type
 * that is neither.
 */
class JaxrsPublicApiTest {
    private static final Path CLASSES = Path.of("target/classes");

    /** The public API of the JAX-RS module: the feature, the annotation and the unannotated-method mode. */
    static final Set<String> API = Set.of("dev.portcullis.jaxrs.PortcullisFeature",
            "dev.portcullis.jaxrs.RequiresPermission", "dev.portcullis.jaxrs.Unannotated",
            "dev.portcullis.jaxrs.QueryPlans");

    /** None: every other type of this module is package-private. */
    static final Set<String> NOT_YET_MOVED = Set.of();

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
            } else if (!allowed(name, NOT_YET_MOVED)) {
                offenders.add(name);
            }
        }
        assertThat(loaded).as("classes loaded from " + CLASSES).isGreaterThan(10);
        assertThat(offenders).as("public types outside the API list and outside internal packages;"
                + " make them package-private or move them to an internal package").isEmpty();
        assertThat(publicApi).as("every listed API type exists and is public").isEqualTo(new TreeSet<>(API));
    }

    @Test
    void allowedWhenInternalPackageOrListedThenTrueElseFalse() {
        assertThat(allowed("dev.portcullis.jaxrs.internal.Anything", Set.of())).isTrue();
        assertThat(allowed("dev.portcullis.jaxrs.Listed", Set.of("dev.portcullis.jaxrs.Listed"))).isTrue();
        assertThat(allowed("dev.portcullis.jaxrs.AuthenticationFilter", NOT_YET_MOVED)).isFalse();
        assertThat(allowed("dev.portcullis.token.TokenValidator", Set.of())).isFalse();
        assertThat(allowed("dev.portcullis.internalish.Thing", Set.of())).isFalse();
        assertThat(allowed("dev.portcullis.jaxrs.PortcullisFeature", Set.of())).isFalse();
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
