package dev.portcullis.cli;

import org.jose4j.json.JsonUtil;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Runs the packaged {@code portcullis-filter-VERSION-cli.jar} as a separate process (under
 * Failsafe, after {@code package}); the jar's path comes from the {@code cli.jar} system property.
 */
class LintTokenCliIT {
    private static Path jar;
    private static String clean;
    private static String keycloak;

    @BeforeAll
    static void setUp() {
        String path = System.getProperty("cli.jar");
        assertThat(path).as("system property cli.jar (set by the failsafe configuration)").isNotNull();
        jar = Path.of(path);
        assertThat(jar).isRegularFile();
        TestTokens tokens = new TestTokens();
        clean = tokens.sign(TestTokens.identity());
        keycloak = tokens.sign(TestTokens.keycloak());
    }

    /** The outcome of one process. */
    private static final class Result {
        final int code;
        final String out;
        final String err;

        Result(int code, String out, String err) {
            this.code = code;
            this.out = out;
            this.err = err;
        }
    }

    private static Result java(String stdin, String... args) throws Exception {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.add("-jar");
        command.add(jar.toString());
        command.addAll(List.of(args));
        Process p = new ProcessBuilder(command).start();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        Thread o = pump(p.getInputStream(), out);
        Thread e = pump(p.getErrorStream(), err);
        try (OutputStream in = p.getOutputStream()) {
            in.write(stdin.getBytes(StandardCharsets.UTF_8));
        }
        if (!p.waitFor(60, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError("the CLI did not finish within 60 s");
        }
        o.join();
        e.join();
        return new Result(p.exitValue(), out.toString(StandardCharsets.UTF_8),
                err.toString(StandardCharsets.UTF_8));
    }

    private static Thread pump(InputStream from, ByteArrayOutputStream to) {
        Thread t = new Thread(() -> {
            try {
                from.transferTo(to);
            } catch (IOException ex) {
                throw new UncheckedIOException(ex);
            }
        });
        t.start();
        return t;
    }

    @Test
    void lintTokenWhenCleanTokenThenExitZeroAndSaysSignatureNotVerified() throws Exception {
        Result r = java("", "lint-token", clean);
        assertThat(r.code).isZero();
        assertThat(r.out).contains("Signature: NOT VERIFIED", "Verdict: PASS", "alg: \"RS256\"");
        assertThat(r.err).isEmpty();
    }

    @Test
    void lintTokenWhenKeycloakTokenThenExitOneNamingBothCategories() throws Exception {
        Result r = java("", "lint-token", keycloak);
        assertThat(r.code).isEqualTo(1);
        assertThat(r.out).contains("forbidden_claims: authorization claims [realm_access, resource_access]",
                "forbidden_claims: personal-data claims [email_verified, name, preferred_username, email]",
                "Verdict: REFUSE (forbidden_claims): token carries authorization and personal-data claims");
        assertThat(r.err).isEmpty();
    }

    @Test
    void lintTokenWhenKeycloakTokenAndReportConfigThenExitZeroAndNoLogNoise() throws Exception {
        Path config = Files.createTempFile("portcullis", ".properties");
        try {
            Files.writeString(config, "portcullis.hygiene.authorization=report\n"
                    + "portcullis.hygiene.personal-data=report\n");
            Result r = java("", "lint-token", "--config", config.toString(), keycloak);
            assertThat(r.code).isZero();
            assertThat(r.out).contains("Verdict: PASS");
            // the CLI jar carries a no-operation SLF4J provider: no warning about bindings, no log lines
            assertThat(r.err).isEmpty();
        } finally {
            Files.deleteIfExists(config);
        }
    }

    @Test
    void lintTokenWhenGarbageThenExitTwoWithOneLineAndNoStackTrace() throws Exception {
        Result r = java("", "lint-token", "not-a-token");
        assertThat(r.code).isEqualTo(2);
        assertThat(r.out).isEmpty();
        assertThat(r.err).isEqualTo("portcullis lint-token: not a compact JWS: expected three non-empty "
                + "base64url segments separated by dots\n");
        assertThat(r.err).doesNotContain("Exception", "\tat ");
    }

    @Test
    void lintTokenWhenDashThenReadsTokenFromStandardInput() throws Exception {
        Result r = java(keycloak + "\n", "lint-token", "-");
        assertThat(r.code).isEqualTo(1);
        assertThat(r.out).contains("Verdict: REFUSE");
        Result pass = java(clean + "\n", "lint-token", "-");
        assertThat(pass.code).isZero();
    }

    @Test
    void lintTokenWhenJsonThenStdoutParsesAsOneJsonObject() throws Exception {
        Result r = java("", "lint-token", "--json", keycloak);
        assertThat(r.code).isEqualTo(1);
        Map<String, Object> o = JsonUtil.parseJson(r.out);
        assertThat(o).containsEntry("verdict", "refuse").containsEntry("signatureVerified", false)
                .containsEntry("reasons", List.of("forbidden_claims"));
        Result pass = java("", "lint-token", "--json", clean);
        assertThat(pass.code).isZero();
        assertThat(JsonUtil.parseJson(pass.out)).containsEntry("verdict", "pass");
    }

    @Test
    void helpWhenRequestedThenUsageAndExitZero() throws Exception {
        Result top = java("", "--help");
        assertThat(top.code).isZero();
        assertThat(top.out).contains("Usage: portcullis COMMAND", "lint-token");
        Result lint = java("", "lint-token", "--help");
        assertThat(lint.code).isZero();
        assertThat(lint.out).contains("Usage: portcullis lint-token [--config FILE] [--json] [TOKEN|-]");
        Result version = java("", "--version");
        assertThat(version.code).isZero();
        assertThat(version.out).matches("portcullis \\d+\\.\\d+\\.\\d+(-SNAPSHOT)?\\R");
    }

    @Test
    void runWhenUnknownCommandThenExitTwo() throws Exception {
        Result r = java("", "frobnicate", clean);
        assertThat(r.code).isEqualTo(2);
        assertThat(r.err).startsWith("portcullis: unknown command 'frobnicate'");
    }
}
