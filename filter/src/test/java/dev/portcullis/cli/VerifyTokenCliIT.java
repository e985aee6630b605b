package dev.portcullis.cli;

import org.jose4j.json.JsonUtil;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Runs {@code verify-token} and {@code test-policies} from the packaged cli jar as separate
 * processes, with real keys and real policy files.
 */
class VerifyTokenCliIT {
    @TempDir
    static Path dir;
    private static Path jar;
    private static Path config;
    private static TestTokens tokens;

    @BeforeAll
    static void setUp() throws Exception {
        jar = Path.of(System.getProperty("cli.jar"));
        tokens = new TestTokens();
        Path jwks = Files.writeString(dir.resolve("jwks.json"), tokens.publicJwks());
        config = Files.writeString(dir.resolve("portcullis.properties"), String.join("\n",
                "portcullis.issuer=https://idp.example.com/realms/demo",
                "portcullis.audience=orders-api",
                "portcullis.jwks-file=" + jwks,
                ""));
    }

    private static String[] run(String... args) throws Exception {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.add("-jar");
        command.add(jar.toString());
        command.addAll(List.of(args));
        Process p = new ProcessBuilder(command).redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")))
                .start();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        Thread o = pump(p.getInputStream(), out);
        Thread e = pump(p.getErrorStream(), err);
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).as("CLI finished").isTrue();
        o.join();
        e.join();
        return new String[] {Integer.toString(p.exitValue()), out.toString(StandardCharsets.UTF_8),
                err.toString(StandardCharsets.UTF_8)};
    }

    private static Thread pump(InputStream from, ByteArrayOutputStream to) {
        Thread t = new Thread(() -> {
            try {
                from.transferTo(to);
            } catch (java.io.IOException ignored) {
                // the process ended
            }
        });
        t.start();
        return t;
    }

    @Test
    void verifyTokenWhenValidTokenThenExitZeroWithSubject() throws Exception {
        String[] r = run("verify-token", "--config", config.toString(), tokens.sign(TestTokens.currentIdentity()));
        assertThat(r[0]).isEqualTo("0");
        assertThat(r[1]).contains("verdict: valid", "subject: 5b7a0c3e-2f1d-4d8e-9c55-0b1f0c9a1d2e");
    }

    @Test
    void verifyTokenWhenSignatureTamperedThenExitOneWithReasonCode() throws Exception {
        String token = tokens.sign(TestTokens.currentIdentity());
        String tampered = token.substring(0, token.length() - 4) + (token.endsWith("AAAA") ? "BBBB" : "AAAA");
        String[] r = run("verify-token", "--json", "--config", config.toString(), tampered);
        assertThat(r[0]).isEqualTo("1");
        Map<String, Object> json = JsonUtil.parseJson(r[1].trim());
        assertThat(json).containsEntry("verdict", "refused").containsEntry("reason", "bad_signature");
    }

    @Test
    void verifyTokenWhenExpiredTokenThenExitOneExpired() throws Exception {
        String[] r = run("verify-token", "--config", config.toString(), tokens.sign(TestTokens.identity()));
        assertThat(r[0]).isEqualTo("1");
        assertThat(r[1]).contains("reason: expired");
    }

    @Test
    void verifyTokenWhenKeycloakStyleClaimsThenRefusedForForbiddenClaims() throws Exception {
        Map<String, Object> claims = TestTokens.keycloak();
        claims.putAll(Map.of("iat", TestTokens.currentIdentity().get("iat"), "exp", TestTokens.currentIdentity().get("exp")));
        String[] r = run("verify-token", "--config", config.toString(), tokens.sign(claims));
        assertThat(r[0]).isEqualTo("1");
        assertThat(r[1]).contains("reason: forbidden_claims").contains("authorization").contains("personal-data");
    }

    @Test
    void verifyTokenWhenConfigMissesAudienceThenExitTwoNamingTheSetting() throws Exception {
        Path bad = Files.writeString(dir.resolve("bad.properties"), "portcullis.issuer=https://idp\nportcullis.jwks-file="
                + dir.resolve("jwks.json") + "\n");
        String[] r = run("verify-token", "--config", bad.toString(), tokens.sign(TestTokens.currentIdentity()));
        assertThat(r[0]).isEqualTo("2");
        assertThat(r[2]).contains("portcullis.audience").doesNotContain("Exception");
    }

    @Test
    void testPoliciesWhenDemoSuitesThenAllPassWithClosingLine() throws Exception {
        Path policies = Path.of("src/test/resources/policies/demo").toAbsolutePath();
        String[] r = run("test-policies", policies.toString());
        assertThat(r[0]).isEqualTo("0");
        assertThat(r[1].strip().lines().reduce((a, b) -> b).orElse("")).matches("\\d+ passed, 0 failed");
    }

    @Test
    void testPoliciesWhenSuiteExpectsWrongEffectThenExitOne() throws Exception {
        Path copy = Files.createDirectories(dir.resolve("policies"));
        Path demo = Path.of("src/test/resources/policies/demo");
        try (var files = Files.walk(demo)) {
            for (Path f : (Iterable<Path>) files::iterator) {
                Path target = copy.resolve(demo.relativize(f).toString());
                if (Files.isDirectory(f)) {
                    Files.createDirectories(target);
                } else {
                    Files.copy(f, target, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
                }
            }
        }
        Path suite = copy.resolve("demo_test.yaml");
        Files.writeString(suite, Files.readString(suite).replace("actions: {delete: EFFECT_ALLOW}",
                "actions: {delete: EFFECT_DENY}"));
        String[] r = run("test-policies", copy.toString());
        assertThat(r[0]).isEqualTo("1");
        assertThat(r[1]).containsPattern("\\d+ passed, [1-9]\\d* failed");
    }

    // ---- verify-token --signature-only: published JWS vectors through the packaged jar ----------

    @org.junit.jupiter.params.ParameterizedTest(name = "{0}")
    @org.junit.jupiter.params.provider.ValueSource(strings = {"rfc7515.a2", "rfc7515.a3", "rfc8037.a4"})
    void signatureOnlyWhenPublishedVectorThenVerifiedExitZeroJson(String vector) throws Exception {
        JwsVectors v = new JwsVectors(dir);
        String[] r = run("verify-token", "--signature-only", "--json", "--jwks-file",
                v.jwksFile(vector, "\"kid\":\"" + vector + "\"").toString(), v.jws(vector));
        assertThat(r[0]).as(r[1] + r[2]).isEqualTo("0");
        Map<String, Object> json = JsonUtil.parseJson(r[1].trim());
        assertThat(json).containsEntry("verdict", "verified").containsEntry("key_id", vector);
    }

    @Test
    void signatureOnlyWhenRfc7515A1WithSecretFileThenVerifiedAndWithKeyPinnedElsewhereNot() throws Exception {
        JwsVectors v = new JwsVectors(dir);
        String[] hs = run("verify-token", "--signature-only", "--hmac-secret-file", v.a1SecretFile().toString(),
                v.jws("rfc7515.a1"));
        assertThat(hs[0]).as(hs[1] + hs[2]).isEqualTo("0");
        assertThat(hs[1]).contains("verdict: verified", "key_type: oct");
        String[] pinned = run("verify-token", "--signature-only", "--jwks-file",
                v.jwksFile("rfc7515.a2", "\"alg\":\"PS256\"").toString(), v.jws("rfc7515.a2"));
        assertThat(pinned[0]).isEqualTo("1");
        assertThat(pinned[1]).contains("reason: disallowed_algorithm");
    }

    @Test
    void signatureOnlyWhenPayloadTamperedThenExitOneAndWithoutKeysExitTwo() throws Exception {
        JwsVectors v = new JwsVectors(dir);
        String[] parts = v.jws("rfc7515.a3").split("\\.");
        String tampered = parts[0] + "." + parts[1].replace('q', 'r') + "." + parts[2];
        String[] r = run("verify-token", "--signature-only", "--jwks-file", v.jwksFile("rfc7515.a3", "").toString(),
                tampered);
        assertThat(r[0]).as(r[1] + r[2]).isEqualTo("1");
        assertThat(r[1]).contains("reason: bad_signature"); // "joe" became "koe"
        String[] usage = run("verify-token", "--signature-only", v.jws("rfc7515.a3"));
        assertThat(usage[0]).isEqualTo("2");
        assertThat(usage[2]).contains("--signature-only needs the keys");
    }
}
