package dev.portcullis.policy.internal;

import dev.portcullis.policy.PolicyLoadException;
import dev.portcullis.policy.PrincipalContext;
import dev.portcullis.policy.ResourceContext;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.OutputStream;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

class EvaluatorRobustnessTest {
    @TempDir
    Path dir;

    private static Path demo() throws Exception {
        return Path.of(EvaluatorRobustnessTest.class.getClassLoader().getResource("policies/demo").toURI());
    }

    @Test
    void loadClasspathWhenPoliciesInsideJarThenLoads() throws Exception {
        Path jar = dir.resolve("policies.jar");
        Path src = demo();
        try (OutputStream os = Files.newOutputStream(jar); JarOutputStream out = new JarOutputStream(os);
             Stream<Path> walk = Files.walk(src)) {
            out.putNextEntry(new JarEntry("app/"));
            out.closeEntry();
            for (Path p : walk.sorted().collect(Collectors.toList())) {
                String rel = src.relativize(p).toString().replace('\\', '/');
                if (Files.isDirectory(p)) {
                    out.putNextEntry(new JarEntry("app/policies/" + (rel.isEmpty() ? "" : rel + "/")));
                    out.closeEntry();
                    continue;
                }
                out.putNextEntry(new JarEntry("app/policies/" + rel));
                out.write(Files.readAllBytes(p));
                out.closeEntry();
            }
        }
        try (URLClassLoader loader = new URLClassLoader(new URL[] {jar.toUri().toURL()}, null)) {
            CerbosPolicyEvaluator e = CerbosPolicyEvaluator.builder().classpath("app/policies", loader).build();
            assertThat(e.source()).isEqualTo("classpath:app/policies");
            assertThat(e.files()).containsExactly("classpath:app/policies/derived_roles_owner.yaml",
                    "classpath:app/policies/document.yaml", "classpath:app/policies/portcullis.yaml",
                    "classpath:app/policies/user.yaml");
            assertThat(e.decide(PrincipalContext.of("alice", Set.of("admin")), ResourceContext.of("user", "erin"),
                    "disable").isAllowed()).isTrue();
            assertThat(e.decide(PrincipalContext.of("dave", Set.of("editor")), ResourceContext.of("user", "erin"),
                    "disable").isAllowed()).isFalse();
        }
    }

    @Test
    void loadClasspathWhenLocationMissingThenLoadException() {
        Throwable t = org.assertj.core.api.Assertions.catchThrowable(
                () -> CerbosPolicyEvaluator.loadClasspath("policies/absent"));
        assertThat(t).isInstanceOf(PolicyLoadException.class)
                .hasMessage("classpath:policies/absent: not found on the classpath");
    }

    @Test
    void decideWhenCalledFromManyThreadsThenSameAnswers() throws Exception {
        CerbosPolicyEvaluator e = CerbosPolicyEvaluator.load(demo());
        PrincipalContext carol = PrincipalContext.of("carol", Set.of("viewer"));
        ResourceContext own = ResourceContext.of("document", "1", Map.of("owner", "carol"));
        ResourceContext other = ResourceContext.of("document", "2", Map.of("owner", "erin"));
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<Future<Boolean>> results = new ArrayList<>();
            for (int t = 0; t < 8; t++) {
                results.add(pool.submit(() -> {
                    for (int i = 0; i < 2000; i++) {
                        if (!e.decide(carol, own, "update").isAllowed() || e.decide(carol, other, "update").isAllowed()) {
                            return false;
                        }
                    }
                    return true;
                }));
            }
            for (Future<Boolean> f : results) {
                assertThat(f.get()).isTrue();
            }
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void decideWhenActionsNullThenEmptyNotThrow() throws Exception {
        CerbosPolicyEvaluator e = CerbosPolicyEvaluator.load(demo());
        PrincipalContext alice = PrincipalContext.of("alice", Set.of("admin"));
        assertThat(e.decide(alice, ResourceContext.of("user", "x"), (List<String>) null)).isEmpty();
        assertThat(e.decide(alice, ResourceContext.of("user", "x"), List.of("disable"))).hasSize(1);
    }

    @Test
    void contextWhenAttributesHoldJavaTypesThenConvertedForCel() throws IOException {
        PrincipalContext p = PrincipalContext.of("p", Set.of("user"),
                Map.of("n", 3, "f", 1.5f, "set", Set.of("a"), "arr", new String[] {"x"}));
        // numbers as Cerbos holds them (JSON / protobuf Value): doubles
        assertThat(p.attr()).containsEntry("n", 3.0d).containsEntry("f", 1.5d)
                .containsEntry("set", List.of("a")).containsEntry("arr", List.of("x"));
        assertThat(ResourceContext.of("doc", null).id()).isEmpty();
        assertThat(ResourceContext.of("doc", "1").withAttributes(Map.of("owner", "p")).attr()).containsEntry("owner", "p");
    }
}
