package dev.portcullis.servlet;

import dev.portcullis.testing.FilterServer;
import dev.portcullis.testing.JwksServer;
import dev.portcullis.testing.TestKeys;
import dev.portcullis.testing.Tokens;

import jakarta.servlet.ServletException;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

/** Filter configuration through init-params, properties files and system properties; startup failures. */
class PortcullisFilterConfigTest {
    /** Matches src/test/resources/portcullis-classpath-test.properties. */
    private static final byte[] CLASSPATH_SECRET = "classpath-test-secret-0123456789abcdef".getBytes(StandardCharsets.UTF_8);

    @TempDir
    Path dir;

    private final JwksServer idp = JwksServer.serving(TestKeys.rsa());

    @AfterEach
    void stop() {
        idp.close();
        System.clearProperty("portcullis.realm");
        System.clearProperty("portcullis.audience");
    }

    private Map<String, String> valid() {
        Map<String, String> m = new LinkedHashMap<>();
        m.put("portcullis.issuer", Tokens.ISSUER);
        m.put("portcullis.audience", Tokens.AUDIENCE);
        m.put("portcullis.jwks-uri", idp.jwksUri().toString());
        return m;
    }

    private Map<String, String> with(String... pairs) {
        Map<String, String> m = valid();
        for (int i = 0; i < pairs.length; i += 2) {
            if (pairs[i + 1] == null) {
                m.remove(pairs[i]);
            } else {
                m.put(pairs[i], pairs[i + 1]);
            }
        }
        return m;
    }

    /** Starts the server expecting init() to fail; returns the ServletException. */
    private static ServletException startupFailure(Map<String, String> params) {
        Throwable t = catchThrowable(() -> FilterServer.builder().params(params).start().close());
        assertThat(t).as("startup should fail for " + params).isNotNull();
        for (Throwable c = t; c != null; c = c.getCause()) {
            if (c instanceof ServletException) {
                return (ServletException) c;
            }
            for (Throwable s : c.getSuppressed()) {
                if (s instanceof ServletException) {
                    return (ServletException) s;
                }
            }
        }
        throw new AssertionError("no ServletException in the startup failure", t);
    }

    @Test
    void initWhenValidInitParamsThenStartsAndProtects() throws Exception {
        try (FilterServer app = FilterServer.builder().params(valid()).start()) {
            assertThat(app.get("/x").statusCode()).isEqualTo(401);
            assertThat(app.getWithToken("/x", Tokens.signedWith(TestKeys.rsa()).sign()).statusCode()).isEqualTo(200);
            assertThat(app.engine()).isNotNull();
        }
    }

    @Test
    void initWhenInitParamNamesLackThePrefixThenStillRead() throws Exception {
        try (FilterServer app = FilterServer.builder().param("issuer", Tokens.ISSUER).param("audience", Tokens.AUDIENCE)
                .param("jwks-uri", idp.jwksUri().toString()).start()) {
            assertThat(app.getWithToken("/x", Tokens.signedWith(TestKeys.rsa()).sign()).statusCode()).isEqualTo(200);
        }
    }

    @Test
    void initWhenAudienceMissingThenFailsNamingIt() {
        assertThat(startupFailure(with("portcullis.audience", null))).hasMessageContaining("portcullis.audience");
    }

    @Test
    void initWhenIssuerMissingThenFailsNamingIt() {
        assertThat(startupFailure(with("portcullis.issuer", null))).hasMessageContaining("portcullis.issuer");
    }

    @Test
    void initWhenHmacAlgorithmWithJwksThenFailsNamingAlgorithms() {
        assertThat(startupFailure(with("portcullis.algorithms", "HS256")))
                .hasMessageContaining("portcullis.algorithms").hasMessageContaining("HS256");
    }

    @Test
    void initWhenHmacSecretShortThenFailsNamingItWithoutShowingIt() {
        ServletException e = startupFailure(with("portcullis.jwks-uri", null, "portcullis.hmac-secret", "too-short"));
        assertThat(e).hasMessageContaining("portcullis.hmac-secret").hasMessageContaining("32 bytes");
        assertThat(e.getMessage()).doesNotContain("too-short");
    }

    @Test
    void initWhenSkewOverFiveMinutesThenFailsNamingSkewAndValue() {
        assertThat(startupFailure(with("portcullis.clock-skew", "10m")))
                .hasMessageContaining("portcullis.clock-skew").hasMessageContaining("PT10M");
    }

    @Test
    void initWhenUnknownAlgorithmThenFailsNamingAlgorithmsAndValue() {
        assertThat(startupFailure(with("portcullis.algorithms", "RS256,FOO512")))
                .hasMessageContaining("portcullis.algorithms").hasMessageContaining("FOO512");
    }

    @Test
    void initWhenTwoKeySourcesThenFailsNamingThem() {
        assertThat(startupFailure(with("portcullis.discovery-uri", idp.discoveryUri().toString())))
                .hasMessageContaining("portcullis.discovery-uri").hasMessageContaining("portcullis.jwks-uri");
    }

    @Test
    void initWhenBadValuesThenFailsNamingSettingAndValue() {
        assertThat(startupFailure(with("portcullis.max-token-bytes", "big")))
                .hasMessageContaining("portcullis.max-token-bytes").hasMessageContaining("big");
        assertThat(startupFailure(with("portcullis.public-paths", "health")))
                .hasMessageContaining("portcullis.public-paths").hasMessageContaining("health");
        assertThat(startupFailure(with("portcullis.allow-insecure-query-parameter-tokens", "perhaps")))
                .hasMessageContaining("portcullis.allow-insecure-query-parameter-tokens").hasMessageContaining("perhaps");
        assertThat(startupFailure(with("portcullis.jwks-uri", "http://idp.example/jwks")))
                .hasMessageContaining("portcullis.jwks-uri").hasMessageContaining("http://idp.example/jwks");
    }

    @Test
    void initWhenKeyFileBrokenThenFailsNamingIt() throws Exception {
        Path bad = Files.writeString(dir.resolve("keys.json"), "{\"keys\": [");
        assertThat(startupFailure(with("portcullis.jwks-uri", null, "portcullis.jwks-file", bad.toString())))
                .hasMessageContaining("portcullis.jwks-file").hasMessageContaining("keys.json");
    }

    @Test
    void initWhenConfigFileMissingThenFailsNamingIt() {
        assertThat(startupFailure(Map.of("config", dir.resolve("nope.properties").toString())))
                .hasMessageContaining("config").hasMessageContaining("nope.properties");
        assertThat(startupFailure(Map.of("config", "classpath:nope.properties"))).hasMessageContaining("nope.properties");
    }

    @Test
    void initWhenConfigIsAFilePathThenSettingsReadFromIt() throws Exception {
        Path file = dir.resolve("portcullis.properties");
        Files.writeString(file, "portcullis.issuer=" + Tokens.ISSUER + "\nportcullis.audience=" + Tokens.AUDIENCE
                + "\njwks-uri=" + idp.jwksUri() + "\nportcullis.realm=from-file\n");
        try (FilterServer app = FilterServer.builder().param("config", file.toString()).start()) {
            assertThat(app.get("/x").headers().firstValue("WWW-Authenticate")).contains("Bearer realm=\"from-file\"");
            assertThat(app.getWithToken("/x", Tokens.signedWith(TestKeys.rsa()).sign()).statusCode()).isEqualTo(200);
        }
    }

    @Test
    void initWhenInitParamAndFileBothSetThenInitParamWins() throws Exception {
        Path file = dir.resolve("portcullis.properties");
        Files.writeString(file, "portcullis.issuer=" + Tokens.ISSUER + "\nportcullis.audience=other-api"
                + "\nportcullis.jwks-uri=" + idp.jwksUri() + "\nportcullis.realm=from-file\n");
        try (FilterServer app = FilterServer.builder().param("config", file.toString())
                .param("portcullis.realm", "from-param").param("portcullis.audience", Tokens.AUDIENCE).start()) {
            assertThat(app.get("/x").headers().firstValue("WWW-Authenticate")).contains("Bearer realm=\"from-param\"");
            assertThat(app.getWithToken("/x", Tokens.signedWith(TestKeys.rsa()).sign()).statusCode()).isEqualTo(200);
        }
    }

    /** Context-params named portcullis.* are shared defaults: over the file, under the filter's init-params. */
    @Test
    void initWhenContextParamsThenOverTheFileAndUnderInitParams() throws Exception {
        Path file = dir.resolve("portcullis.properties");
        Files.writeString(file, "portcullis.issuer=" + Tokens.ISSUER + "\nportcullis.audience=" + Tokens.AUDIENCE
                + "\nportcullis.jwks-uri=" + idp.jwksUri() + "\nportcullis.realm=from-file\n");
        try (FilterServer shared = FilterServer.builder().param("config", file.toString())
                .contextParam("portcullis.realm", "from-context").contextParam("other.realm", "ignored").start();
             FilterServer own = FilterServer.builder().param("config", file.toString())
                     .contextParam("portcullis.realm", "from-context").param("portcullis.realm", "from-param").start()) {
            assertThat(shared.get("/x").headers().firstValue("WWW-Authenticate"))
                    .contains("Bearer realm=\"from-context\"");
            assertThat(own.get("/x").headers().firstValue("WWW-Authenticate")).contains("Bearer realm=\"from-param\"");
            assertThat(shared.getWithToken("/x", Tokens.signedWith(TestKeys.rsa()).sign()).statusCode())
                    .as("positive control").isEqualTo(200);
        }
    }

    @Test
    void initWhenConfigIsOnTheClasspathThenSettingsReadFromIt() throws Exception {
        try (FilterServer app = FilterServer.builder().param("config", "classpath:portcullis-classpath-test.properties").start()) {
            String token = Tokens.hmac(CLASSPATH_SECRET).issuer("https://classpath.test").sign();
            assertThat(app.getWithToken("/x", token).statusCode()).isEqualTo(200);
            assertThat(app.get("/x").headers().firstValue("WWW-Authenticate")).contains("Bearer realm=\"classpath\"");
        }
    }

    @Test
    void initWhenConfigIsUnderWebInfThenReadThroughTheServletContext() throws Exception {
        Path webInf = Files.createDirectories(dir.resolve("webapp/WEB-INF"));
        Files.writeString(webInf.resolve("portcullis.properties"), "portcullis.issuer=" + Tokens.ISSUER
                + "\nportcullis.audience=" + Tokens.AUDIENCE + "\nportcullis.jwks-uri=" + idp.jwksUri()
                + "\nportcullis.realm=web-inf\n");
        try (FilterServer app = FilterServer.builder().resourceBase(dir.resolve("webapp"))
                .param("config", "/WEB-INF/portcullis.properties").start()) {
            assertThat(app.get("/x").headers().firstValue("WWW-Authenticate")).contains("Bearer realm=\"web-inf\"");
            assertThat(app.getWithToken("/x", Tokens.signedWith(TestKeys.rsa()).sign()).statusCode()).isEqualTo(200);
        }
    }

    @Test
    void initWhenSystemPropertySetThenItOverridesInitParam() throws Exception {
        System.setProperty("portcullis.realm", "from-system");
        System.setProperty("portcullis.audience", "system-api");
        try (FilterServer app = FilterServer.builder().params(valid()).param("portcullis.realm", "from-param").start()) {
            HttpResponse<String> r = app.get("/x");
            assertThat(r.headers().firstValue("WWW-Authenticate")).contains("Bearer realm=\"from-system\"");
            assertThat(app.getWithToken("/x", Tokens.signedWith(TestKeys.rsa()).sign()).statusCode()).isEqualTo(401);
            assertThat(app.getWithToken("/x", Tokens.signedWith(TestKeys.rsa()).audience("system-api").sign()).statusCode())
                    .isEqualTo(200);
        }
    }
}
