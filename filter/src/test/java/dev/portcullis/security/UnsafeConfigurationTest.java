package dev.portcullis.security;

import dev.portcullis.testing.FilterServer;
import dev.portcullis.testing.JwksServer;
import dev.portcullis.testing.TestKeys;
import dev.portcullis.testing.Tokens;

import jakarta.servlet.ServletException;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

/**
 * Unsafe configurations refuse to start, with a message naming the setting, so an application
 * never runs unprotected or weakly protected. Extends PortcullisFilterConfigTest (which covers a
 * short HMAC secret, HS with a JWKS, missing audience and issuer, skew over 5 minutes, unknown
 * algorithms, two key sources) with the cases it does not cover.
 */
class UnsafeConfigurationTest {
    @TempDir
    Path dir;
    private final JwksServer idp = JwksServer.serving(TestKeys.rsa());

    @AfterEach
    void stop() {
        idp.close();
    }

    private Map<String, String> valid(String... pairs) {
        Map<String, String> m = new LinkedHashMap<>();
        m.put("portcullis.issuer", Tokens.ISSUER);
        m.put("portcullis.audience", Tokens.AUDIENCE);
        m.put("portcullis.jwks-uri", idp.jwksUri().toString());
        for (int i = 0; i < pairs.length; i += 2) {
            if (pairs[i + 1] == null) {
                m.remove(pairs[i]);
            } else {
                m.put(pairs[i], pairs[i + 1]);
            }
        }
        return m;
    }

    private static String startupFailure(Map<String, String> params) {
        Throwable t = catchThrowable(() -> FilterServer.builder().params(params).start().close());
        assertThat(t).as("startup should fail for " + params).isNotNull();
        for (Throwable c = t; c != null; c = c.getCause()) {
            if (c instanceof ServletException) {
                return c.getMessage();
            }
            for (Throwable s : c.getSuppressed()) {
                if (s instanceof ServletException) {
                    return s.getMessage();
                }
            }
        }
        throw new AssertionError("no ServletException in the startup failure", t);
    }

    private static void starts(Map<String, String> params) throws Exception {
        try (FilterServer app = FilterServer.builder().params(params).start()) {
            assertThat(app.get("/x").statusCode()).isEqualTo(401);
        }
    }

    @Test
    void initWhenHmacSecretLongButRepetitiveThenFailsNamingItWithoutShowingIt() throws Exception {
        for (String weak : new String[] {"a".repeat(40), "abababababababababababababababab", "secretsecretsecretsecretsecret12"}) {
            String message = startupFailure(valid("portcullis.jwks-uri", null, "portcullis.hmac-secret", weak,
                    "portcullis.algorithms", "HS256"));
            assertThat(message).contains("portcullis.hmac-secret").contains("random").doesNotContain(weak);
        }
        String weakBase64 = "base64:" + Base64.getEncoder().encodeToString(new byte[48]);
        assertThat(startupFailure(valid("portcullis.jwks-uri", null, "portcullis.hmac-secret", weakBase64)))
                .contains("portcullis.hmac-secret");
        String strong = "base64:" + Base64.getEncoder().encodeToString(TestKeys.randomSecret(32));
        starts(valid("portcullis.jwks-uri", null, "portcullis.hmac-secret", strong));
    }

    @Test
    void initWhenHmacTogetherWithPublicKeyFileThenFailsNamingBoth() throws Exception {
        Path pem = Files.writeString(dir.resolve("key.pem"), TestKeys.pem(TestKeys.rsa()));
        String message = startupFailure(valid("portcullis.jwks-uri", null, "portcullis.public-key-file", pem.toString(),
                "portcullis.hmac-secret", "base64:" + Base64.getEncoder().encodeToString(TestKeys.randomSecret(32))));
        assertThat(message).contains("portcullis.public-key-file").contains("portcullis.hmac-secret");
        starts(valid("portcullis.jwks-uri", null, "portcullis.public-key-file", pem.toString()));
    }

    @Test
    void initWhenAudienceBlankThenFailsNamingIt() throws Exception {
        assertThat(startupFailure(valid("portcullis.audience", " "))).contains("portcullis.audience");
        assertThat(startupFailure(valid("portcullis.audience", ","))).contains("portcullis.audience");
        starts(valid());
    }

    @Test
    void initWhenSkewNegativeOrUnreadableThenFailsNamingIt() throws Exception {
        assertThat(startupFailure(valid("portcullis.clock-skew", "-1s"))).contains("portcullis.clock-skew");
        assertThat(startupFailure(valid("portcullis.clock-skew", "5m1s"))).contains("portcullis.clock-skew");
        assertThat(startupFailure(valid("portcullis.clock-skew", "forever"))).contains("portcullis.clock-skew");
        starts(valid("portcullis.clock-skew", "5m"));
    }

    @Test
    void initWhenAlgorithmNoneInAnySpellingThenFailsNamingAlgorithms() throws Exception {
        for (String algs : new String[] {"none", "RS256,none", "NONE", "nOnE"}) {
            assertThat(startupFailure(valid("portcullis.algorithms", algs))).as(algs).contains("portcullis.algorithms");
        }
        starts(valid("portcullis.algorithms", "RS256,ES256"));
    }

    @Test
    void initWhenPolicyDirMissingOrAFileThenFailsNamingIt() throws Exception {
        Path notADir = Files.writeString(dir.resolve("policy.yaml"), "x");
        for (String value : new String[] {dir.resolve("nowhere").toString(), notADir.toString(), "classpath:nowhere"}) {
            assertThat(startupFailure(valid("portcullis.policy.dir", value))).as(value).contains("portcullis.policy.dir");
        }
        Path policies = Files.createDirectories(dir.resolve("policies"));
        Files.writeString(policies.resolve("broken.yaml"), "apiVersion: api.cerbos.dev/v1\nresourcePolicy: [\n");
        assertThat(startupFailure(valid("portcullis.policy.dir", policies.toString()))).contains("broken.yaml")
                .contains("portcullis.policy.dir");
        Files.delete(policies.resolve("broken.yaml"));
        Files.writeString(policies.resolve("doc.yaml"), String.join("\n", "apiVersion: api.cerbos.dev/v1",
                "resourcePolicy:", "  resource: doc", "  version: default", "  rules:",
                "    - {actions: [read], effect: EFFECT_ALLOW, roles: [viewer]}", ""));
        starts(valid("portcullis.policy.dir", policies.toString()));
    }

    @Test
    void initWhenPolicyConditionDoesNotCompileThenFailsNamingTheFile() throws Exception {
        Path policies = Files.createDirectories(dir.resolve("cel"));
        Files.writeString(policies.resolve("doc.yaml"), String.join("\n", "apiVersion: api.cerbos.dev/v1",
                "resourcePolicy:", "  resource: doc", "  version: default", "  rules:",
                "    - actions: [read]", "      effect: EFFECT_ALLOW", "      roles: [viewer]", "      condition:",
                "        match:", "          expr: P.attr.level >", ""));
        assertThat(startupFailure(valid("portcullis.policy.dir", policies.toString()))).contains("doc.yaml")
                .contains("portcullis.policy.dir");
    }

    @Test
    void initWhenAttributeSourceMisconfiguredThenFailsNamingTheSetting() throws Exception {
        assertThat(startupFailure(valid("portcullis.attributes.source", "ldap"))).contains("portcullis.attributes.source");
        assertThat(startupFailure(valid("portcullis.attributes.source", "file"))).contains("portcullis.attributes.file");
        assertThat(startupFailure(valid("portcullis.attributes.source", "file", "portcullis.attributes.file",
                dir.resolve("absent.yaml").toString()))).contains("portcullis.attributes.file");
        Path corrupt = Files.writeString(dir.resolve("corrupt.yaml"), "principals:\n  - {subject: [unclosed\n",
                StandardCharsets.UTF_8);
        assertThat(startupFailure(valid("portcullis.attributes.source", "file", "portcullis.attributes.file",
                corrupt.toString()))).contains("portcullis.attributes.file");
        assertThat(startupFailure(valid("portcullis.attributes.source", "jdbc"))).contains("portcullis.attributes.jdbc");
        assertThat(startupFailure(valid("portcullis.attributes.source", "file", "portcullis.attributes.file",
                corrupt.toString(), "portcullis.attributes.cache.load-timeout", "-1s")))
                .contains("portcullis.attributes");
        Path good = Files.writeString(dir.resolve("good.yaml"), "principals:\n  - {issuer: 'x', subject: alice}\n");
        starts(valid("portcullis.attributes.source", "file", "portcullis.attributes.file", good.toString()));
    }

    @Test
    void initWhenRoutesMissingOrBrokenThenFailsNamingRoutes() throws Exception {
        assertThat(startupFailure(valid("portcullis.routes", dir.resolve("absent.yaml").toString())))
                .contains("portcullis.routes");
        Path broken = Files.writeString(dir.resolve("routes.yaml"), "routes:\n  - {route: 'FETCH /x', resource: a, action: b}\n");
        assertThat(startupFailure(valid("portcullis.routes", broken.toString()))).contains("portcullis.routes");
    }

    @Test
    void initWhenKeyUrlIsPlainHttpToARemoteHostThenFailsNamingIt() {
        assertThat(startupFailure(valid("portcullis.jwks-uri", "http://idp.example.com/jwks")))
                .contains("portcullis.jwks-uri");
        assertThat(startupFailure(valid("portcullis.jwks-uri", "file:///etc/passwd"))).contains("portcullis.jwks-uri");
    }
}
