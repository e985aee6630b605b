package dev.portcullis.cli;

import org.jose4j.json.JsonUtil;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class MainTest {
    private static TestTokens tokens;
    private static String clean;
    private static String keycloak;

    @BeforeAll
    static void tokens() {
        tokens = new TestTokens();
        clean = tokens.sign(TestTokens.identity());
        keycloak = tokens.sign(TestTokens.keycloak());
    }

    /** The outcome of one in-process run. */
    private static final class Run {
        final int code;
        final String out;
        final String err;

        Run(int code, String out, String err) {
            this.code = code;
            this.out = out;
            this.err = err;
        }
    }

    private static Run runWithInput(String stdin, String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        InputStream in = new ByteArrayInputStream(stdin.getBytes(StandardCharsets.UTF_8));
        int code = Main.run(args, in, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
        return new Run(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    private static Run run(String... args) {
        return runWithInput("", args);
    }

    // ---- dispatcher ---------------------------------------------------------------------------

    @Test
    void runWhenHelpThenListsCommandsAndExitsZero() {
        Run r = run("--help");
        assertThat(r.code).isZero();
        assertThat(r.out).contains("Usage: portcullis COMMAND", "lint-token", "--version");
        assertThat(r.err).isEmpty();
    }

    @Test
    void runWhenNoArgumentsThenUsageOnStderrAndExitTwo() {
        Run r = run();
        assertThat(r.code).isEqualTo(2);
        assertThat(r.err).contains("Usage: portcullis COMMAND");
    }

    @Test
    void runWhenVersionThenPrintsVersion() {
        Run r = run("--version");
        assertThat(r.code).isZero();
        assertThat(r.out).startsWith("portcullis ").doesNotContain("${");
    }

    @ParameterizedTest
    @ValueSource(strings = {"frobnicate", "verify"})
    void runWhenCommandNotRegisteredThenUnknownCommand(String name) {
        Run r = run(name, "x");
        assertThat(r.code).isEqualTo(2);
        assertThat(r.err).startsWith("portcullis: unknown command '" + name + "'");
        assertThat(run("lint-token", clean).code).isZero();
    }

    @Test
    void runWhenCommandRegisteredThenDispatchedWithRemainingArguments() {
        Main.Registered lint = Main.commands().get("lint-token");
        assertThat(lint).isNotNull();
        assertThat(lint.command).isInstanceOf(LintTokenCommand.class);
    }

    // ---- lint-token -----------------------------------------------------------------------------

    @Test
    void lintTokenWhenCleanTokenThenPassAndExitZero() {
        Run r = run("lint-token", clean);
        assertThat(r.code).isZero();
        assertThat(r.out).contains("Signature: NOT VERIFIED", "alg: \"RS256\"", "kid: \"test-key-1\"",
                "typ: \"at+jwt\"", "Violations: none", "Verdict: PASS");
        assertThat(r.out).containsPattern("sub +identity +allowed");
        assertThat(r.out).contains("Size: " + clean.length() + " bytes (limit 4096): ok");
        assertThat(r.err).isEmpty();
    }

    @Test
    void lintTokenWhenKeycloakTokenThenRefusedNamingBothCategories() {
        Run r = run("lint-token", keycloak);
        assertThat(r.code).isEqualTo(1);
        assertThat(r.out).containsPattern("realm_access +authorization +refused")
                .containsPattern("email +personal-data +refused")
                .contains("forbidden_claims: authorization claims [realm_access, resource_access] (enforced)")
                .contains("forbidden_claims: personal-data claims [email_verified, name, preferred_username,"
                        + " email] (enforced)")
                .contains("Verdict: REFUSE (forbidden_claims): token carries authorization and "
                        + "personal-data claims");
    }

    @Test
    void lintTokenWhenReportConfigThenPassWithClaimsWithheld(@TempDir Path dir) throws Exception {
        Path config = dir.resolve("portcullis.properties");
        Files.writeString(config, "portcullis.hygiene.authorization=report\n"
                + "portcullis.hygiene.personal-data=report\n");
        Run r = run("lint-token", "--config", config.toString(), keycloak);
        assertThat(r.code).isZero();
        assertThat(r.out).containsPattern("realm_access +authorization +withheld")
                .contains("(reported)", "Reported (request proceeds, claims withheld from the application): "
                        + "authorization, personal-data", "Verdict: PASS");
    }

    @Test
    void lintTokenWhenConfigInvalidThenOneLineNamingSettingAndExitTwo(@TempDir Path dir) throws Exception {
        Path config = dir.resolve("bad.properties");
        Files.writeString(config, "portcullis.hygiene.max-depth=deep\n");
        Run r = run("lint-token", "--config=" + config, clean);
        assertThat(r.code).isEqualTo(2);
        assertThat(r.err).startsWith("portcullis lint-token: configuration error: "
                + "portcullis.hygiene.max-depth: must be a whole number, was 'deep'").hasLineCount(1);
        Run missing = run("lint-token", "--config", dir.resolve("absent").toString(), clean);
        assertThat(missing.code).isEqualTo(2);
        assertThat(missing.err).contains("no such file").hasLineCount(1);
    }

    @Test
    void lintTokenWhenLargerThanLimitThenRefusedTokenTooLarge(@TempDir Path dir) throws Exception {
        Path config = dir.resolve("small.properties");
        Files.writeString(config, "portcullis.max-token-bytes=100\n");
        Run r = run("lint-token", "--config", config.toString(), clean);
        assertThat(r.code).isEqualTo(1);
        assertThat(r.out).contains("TOO LARGE", "token_too_large: token is " + clean.length()
                + " bytes, limit 100");
    }

    @Test
    void lintTokenWhenDashThenReadsStandardInput() {
        Run r = runWithInput("  Bearer " + clean + "\n", "lint-token", "-");
        assertThat(r.code).isZero();
        assertThat(r.out).contains("Verdict: PASS");
        assertThat(runWithInput(keycloak + "\n", "lint-token").code).isEqualTo(1);
    }

    @Test
    void lintTokenWhenJsonThenOneParsableObject() throws Exception {
        Run r = run("lint-token", "--json", keycloak);
        assertThat(r.code).isEqualTo(1);
        assertThat(r.out.strip()).doesNotContain("\n");
        Map<String, Object> o = JsonUtil.parseJson(r.out);
        assertThat(o).containsEntry("verdict", "refuse").containsEntry("signatureVerified", false)
                .containsEntry("reasons", List.of("forbidden_claims"));
        assertThat(((Map<?, ?>) o.get("header")).get("alg")).isEqualTo("RS256");
        assertThat((List<?>) o.get("violations")).hasSize(2);
        Map<String, Object> pass = JsonUtil.parseJson(run("lint-token", "--json", clean).out);
        assertThat(pass).containsEntry("verdict", "pass");
    }

    @ParameterizedTest
    @ValueSource(strings = {"garbage", "a.b", "a.b.", "a.b.c.d.e", "a.b.c d", "a+b.c.d",
        "e30.e30.c2ln.", "!!!.???.***"})
    void lintTokenWhenNotCompactJwsThenOneLineAndExitTwo(String input) {
        Run r = run("lint-token", input);
        assertThat(r.code).isEqualTo(2);
        assertThat(r.out).isEmpty();
        assertThat(r.err).startsWith("portcullis lint-token: not a compact JWS").hasLineCount(1)
                .doesNotContain("Exception", "\tat ");
    }

    @Test
    void lintTokenWhenSegmentsDecodeBadlyThenSpecificReason() {
        assertThat(run("lint-token", TestTokens.raw("{\"alg\":\"RS256\"}", "[1,2]")).err)
                .isEqualTo("portcullis lint-token: payload is not a JSON object\n");
        assertThat(run("lint-token", TestTokens.raw("{\"alg\":\"RS256\"}", "{\"sub\":\"a\",\"sub\":\"b\"}")).err)
                .isEqualTo("portcullis lint-token: payload is not valid: a member name appears twice\n");
        assertThat(run("lint-token", TestTokens.raw("{\"alg\":\"RS256\"", "{}")).err)
                .isEqualTo("portcullis lint-token: header is not valid JSON\n");
        assertThat(run("lint-token", "e30.A.c2ln").err)
                .isEqualTo("portcullis lint-token: payload is not valid base64url\n");
        assertThat(run("lint-token", TestTokens.b64("{\"alg\":\"RS256\"}") + ".gA.c2ln").err)
                .isEqualTo("portcullis lint-token: payload is not valid UTF-8\n");
        assertThat(run("lint-token", TestTokens.raw("{\"alg\":\"RS256\"}", "{}")).code).isZero();
    }

    @Test
    void lintTokenWhenMalformedWithJsonThenMalformedVerdictObject() throws Exception {
        Run r = run("lint-token", "--json", "garbage");
        assertThat(r.code).isEqualTo(2);
        assertThat(JsonUtil.parseJson(r.out)).containsEntry("verdict", "malformed")
                .containsKey("error");
    }

    @Test
    void lintTokenWhenAlgNoneOrForbiddenHeaderThenRefused() {
        Run none = run("lint-token", TestTokens.raw("{\"alg\":\"none\"}", "{\"sub\":\"a\"}"));
        assertThat(none.code).isEqualTo(1);
        assertThat(none.out).contains("disallowed_algorithm: alg 'none' is never accepted");
        Run jku = run("lint-token", TestTokens.raw("{\"alg\":\"RS256\",\"jku\":\"https://x\"}", "{\"sub\":\"a\"}"));
        assertThat(jku.code).isEqualTo(1);
        assertThat(jku.out).contains("forbidden_header: header parameter 'jku' is never accepted");
        assertThat(run("lint-token", TestTokens.raw("{\"alg\":\"RS256\"}", "{\"sub\":\"a\"}")).code).isZero();
    }

    @Test
    void lintTokenWhenDeeplyNestedPayloadThenRefusedWithoutStackTrace() {
        String deep = "{\"cnf\":" + "[".repeat(10_000) + "]".repeat(10_000) + "}";
        Run r = run("lint-token", TestTokens.raw("{\"alg\":\"RS256\"}", deep));
        assertThat(r.code).isEqualTo(1);
        assertThat(r.out).contains("claims_too_deep");
        assertThat(r.err).isEmpty();
    }

    @Test
    void lintTokenWhenControlCharactersInClaimsThenNotEchoedRaw() {
        Run r = run("lint-token", TestTokens.raw("{\"alg\":\"RS256\"}",
                "{\"sub\":\"a\\u001b[31mred\",\"x\\u001bq\":1}"));
        assertThat(r.code).isZero();
        assertThat(r.out).doesNotContain("\u001b").contains("\"a?[31mred\"", "x?q");
    }

    @Test
    void lintTokenWhenHelpOrBadOptionThenUsage() {
        Run help = run("lint-token", "--help");
        assertThat(help.code).isZero();
        assertThat(help.out).contains("Usage: portcullis lint-token [--config FILE] [--json] [TOKEN|-]",
                "WITHOUT verifying");
        Run bad = run("lint-token", "--frob", clean);
        assertThat(bad.code).isEqualTo(2);
        assertThat(bad.err).contains("unknown option '--frob'");
        assertThat(run("lint-token", clean, clean).code).isEqualTo(2);
        assertThat(run("lint-token", "--config").code).isEqualTo(2);
    }
}
