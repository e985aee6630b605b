package dev.portcullis.security;

import dev.portcullis.config.ConfigurationException;
import dev.portcullis.config.SettingNames;
import dev.portcullis.config.Settings;
import dev.portcullis.Portcullis;
import dev.portcullis.testing.FilterServer;
import dev.portcullis.testing.JwksServer;
import dev.portcullis.testing.TestKeys;
import dev.portcullis.testing.Tokens;
import dev.portcullis.testing.Transmitter;

import org.jose4j.json.JsonUtil;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.net.URLEncoder;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * OpenID Connect Back-Channel Logout 1.0 over real HTTP (the filter on Jetty, the provider's keys
 * from a real JWKS endpoint), the RFC 8936 poll client against a real transmitter, and the
 * receiver's startup checks. Each refused logout token has a positive twin.
 */
class BackchannelLogoutAttackTest {
    static final String CLIENT = "portcullis-demo";
    static final String EVENT = "http://schemas.openid.net/event/backchannel-logout";

    private final JwksServer idp = JwksServer.serving(TestKeys.rsa());
    private Transmitter tx;
    private FilterServer app;

    @AfterEach
    void stop() {
        if (app != null) {
            app.close();
        }
        if (tx != null) {
            tx.close();
        }
        idp.close();
    }

    private FilterServer start(String... more) throws Exception {
        FilterServer.Builder b = FilterServer.builder().trusting(idp)
                .param("portcullis.backchannel-logout.path", "/oidc/logout")
                .param("portcullis.backchannel-logout.audience", CLIENT);
        for (int i = 0; i < more.length; i += 2) {
            b.param(more[i], more[i + 1]);
        }
        app = b.start();
        return app;
    }

    private static Tokens.Builder logoutToken() {
        return Tokens.signedWith(TestKeys.rsa()).typ("logout+jwt").audience(CLIENT).expiresIn(java.time.Duration.ofMinutes(2))
                .claim("events", Map.of(EVENT, Map.of())).claim("sid", "session-1");
    }

    private HttpResponse<String> logout(String token) {
        return app.postForm("/oidc/logout", "logout_token=" + URLEncoder.encode(token, StandardCharsets.UTF_8));
    }

    private static String aliceToken() {
        return Tokens.signedWith(TestKeys.rsa()).at(Instant.now().minusSeconds(5)).sign();
    }

    private static void assertInvalidRequest(HttpResponse<String> r) throws Exception {
        assertThat(r.statusCode()).as(r.body()).isEqualTo(400);
        assertThat((Map<String, Object>) JsonUtil.parseJson(r.body())).containsEntry("error", "invalid_request");
        assertThat(r.headers().firstValue("Cache-Control")).contains("no-store");
        assertThat(r.headers().firstValue("Content-Type")).hasValueSatisfying(ct -> assertThat(ct)
                .startsWith("application/json"));
        AttackSupport.assertNoInternals(r.body());
    }

    @Test
    void logoutWhenValidThen200AndOldTokenRefused() throws Exception {
        start();
        String old = aliceToken();
        assertThat(app.getWithToken("/x", old).statusCode()).isEqualTo(200);
        HttpResponse<String> r = logout(logoutToken().sign());
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        assertThat(r.headers().firstValue("Cache-Control")).contains("no-store");
        assertThat(app.getWithToken("/x", old).statusCode()).isEqualTo(401);
        assertThat(app.getWithToken("/x", Tokens.signedWith(TestKeys.rsa()).at(Instant.now().plusSeconds(2)).sign())
                .statusCode()).isEqualTo(200);
    }

    @Test
    void logoutWhenMalformedTokensThen400AndNothingRevoked() throws Exception {
        start();
        String old = aliceToken();
        assertInvalidRequest(logout(logoutToken().claim("events", Map.of("http://other/event", Map.of())).sign()));
        assertInvalidRequest(logout(logoutToken().claim("events", null).sign()));
        assertInvalidRequest(logout(logoutToken().claim("nonce", "n-1").sign()));
        assertInvalidRequest(logout(logoutToken().without("sub", "sid").sign()));
        assertInvalidRequest(logout(logoutToken().audience("another-client").sign()));
        assertInvalidRequest(logout(logoutToken().issuer("https://evil.test").sign()));
        assertInvalidRequest(logout(logoutToken().claim("exp", Instant.now().getEpochSecond() - 300).sign()));
        assertInvalidRequest(logout(logoutToken().claim("iat", Instant.now().getEpochSecond() - 3600).sign()));
        assertInvalidRequest(logout(logoutToken().typ("at+jwt").sign()));
        assertInvalidRequest(logout(Tokens.signedWith(TestKeys.newRsa(TestKeys.RSA_KID)).typ("logout+jwt")
                .audience(CLIENT).claim("events", Map.of(EVENT, Map.of())).sign()));
        assertInvalidRequest(logout(logoutToken().rawHeader("{\"alg\":\"none\"}").alg("none").sign()));
        assertInvalidRequest(app.postForm("/oidc/logout", "other=1"));
        assertInvalidRequest(app.postForm("/oidc/logout", "logout_token=a&logout_token=b"));
        assertInvalidRequest(app.send(app.request("/oidc/logout", "Content-Type", "application/json")
                .POST(java.net.http.HttpRequest.BodyPublishers.ofString("{}")).build()));
        assertThat(app.get("/oidc/logout").statusCode()).isEqualTo(405);
        assertThat(app.get("/oidc/logout").headers().firstValue("Allow")).contains("POST");
        assertThat(app.getWithToken("/x", old).statusCode()).isEqualTo(200);
    }

    @Test
    void logoutWhenReplayedThenRefused() throws Exception {
        start();
        String token = logoutToken().sign();
        assertThat(logout(token).statusCode()).isEqualTo(200);
        assertInvalidRequest(logout(token));
    }

    @Test
    void logoutWhenSidOnlyThen200AndNothingRevoked() throws Exception {
        start();
        String old = aliceToken();
        HttpResponse<String> r = logout(logoutToken().without("sub").sign());
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(app.getWithToken("/x", old).statusCode()).isEqualTo(200);
    }

    @Test
    void logoutWhenAccessTokenIssuerRequiresTypeThenLogoutTokenStillVerified() throws Exception {
        start("portcullis.required-type", "at+jwt");
        String old = Tokens.signedWith(TestKeys.rsa()).typ("at+jwt").at(Instant.now().minusSeconds(5)).sign();
        assertThat(app.getWithToken("/x", old).statusCode()).isEqualTo(200);
        assertThat(logout(logoutToken().sign()).statusCode()).isEqualTo(200);
        assertThat(app.getWithToken("/x", old).statusCode()).isEqualTo(401);
    }

    @Test
    void pollWhenTransmitterQueuesSetThenAppliedAndAcknowledged() throws Exception {
        tx = Transmitter.start(TestKeys.otherRsa());
        start("portcullis.signals.poll-uri", tx.pollUri().toString(),
                "portcullis.signals.poll-token", Transmitter.POLL_TOKEN,
                "portcullis.signals.poll-interval", "PT1S",
                "portcullis.signals.configuration-uri", tx.configurationUri().toString(),
                "portcullis.signals.audience", Transmitter.AUDIENCE,
                "portcullis.signals.subject-issuers", Tokens.ISSUER);
        String old = aliceToken();
        assertThat(app.getWithToken("/x", old).statusCode()).isEqualTo(200);
        String good = tx.set(Transmitter.RISC + "account-disabled", Transmitter.issSub(Tokens.ISSUER, Tokens.SUBJECT))
                .sign();
        String forged = Tokens.signedWith(TestKeys.newRsa(TestKeys.OTHER_RSA_KID)).typ("secevent+jwt")
                .issuer(tx.issuer()).audience(Transmitter.AUDIENCE).without("exp").claim("jti", "forged-1")
                .claim("events", Map.of(Transmitter.RISC + "account-disabled", Map.of()))
                .claim("sub_id", Transmitter.issSub(Tokens.ISSUER, "bob")).sign();
        tx.queue(good);
        tx.queue(forged);
        long deadline = System.nanoTime() + 15_000_000_000L;
        while (app.getWithToken("/x", old).statusCode() == 200 && System.nanoTime() < deadline) {
            Thread.sleep(100);
        }
        assertThat(app.getWithToken("/x", old).statusCode()).isEqualTo(401);
        while ((tx.acks().isEmpty() || tx.errors().isEmpty()) && System.nanoTime() < deadline) {
            Thread.sleep(100);
        }
        assertThat(tx.acks()).hasSize(1);
        assertThat(tx.errors()).containsExactly("forged-1");
        assertThat(app.getWithToken("/x", Tokens.signedWith(TestKeys.rsa()).subject("bob")
                .at(Instant.now().minusSeconds(5)).sign()).statusCode()).isEqualTo(200);
        assertThat(pollThreads()).isPositive();
        // the engine owns the poll thread: undeploying the application stops it
        app.close();
        app = null;
        assertThat(pollThreads()).isZero();
    }

    private static long pollThreads() {
        return Thread.getAllStackTraces().keySet().stream()
                .filter(t -> t.getName().equals("portcullis-signal-poll") && t.isAlive()).count();
    }

    @Test
    void startupWhenReceiverMisconfiguredThenConfigurationExceptionNamesSetting() {
        Map<String, String> base = new HashMap<>(Map.of("portcullis.issuer", Tokens.ISSUER,
                "portcullis.audience", Tokens.AUDIENCE, "portcullis.jwks-uri", idp.jwksUri().toString()));
        assertNames(base, SettingNames.BACKCHANNEL_LOGOUT_AUDIENCE, "portcullis.backchannel-logout.path", "/logout");
        assertNames(base, SettingNames.SIGNALS_PUSH_TOKEN, "portcullis.signals.push-path", "/ssf",
                "portcullis.signals.push-token", "short");
        assertNames(base, SettingNames.SIGNALS_CONFIGURATION_URI, "portcullis.signals.push-path", "/ssf",
                "portcullis.signals.push-token", SignalAttackTest.PUSH_TOKEN,
                "portcullis.signals.audience", "a");
        assertNames(base, SettingNames.SIGNALS_AUDIENCE, "portcullis.signals.push-path", "/ssf",
                "portcullis.signals.push-token", SignalAttackTest.PUSH_TOKEN,
                "portcullis.signals.issuer", "https://tx.test", "portcullis.signals.jwks-uri", "https://tx.test/jwks");
        assertNames(base, SettingNames.SIGNALS_SUBJECT_ISSUERS, "portcullis.signals.push-path", "/ssf",
                "portcullis.signals.push-token", SignalAttackTest.PUSH_TOKEN, "portcullis.signals.audience", "a",
                "portcullis.signals.issuer", "https://tx.test", "portcullis.signals.jwks-uri", "https://tx.test/jwks");
        assertNames(base, SettingNames.SIGNALS_ACTIONS, "portcullis.signals.actions", "https://x/e=delete",
                "portcullis.backchannel-logout.path", "/logout", "portcullis.backchannel-logout.audience", "c");
        assertNames(base, SettingNames.SIGNALS_CONFIGURATION_URI, "portcullis.signals.push-path", "/ssf",
                "portcullis.signals.push-token", SignalAttackTest.PUSH_TOKEN, "portcullis.signals.audience", "a",
                "portcullis.signals.configuration-uri", "http://127.0.0.1:1/.well-known/ssf-configuration");
        // positive twin: a complete configuration starts
        Map<String, String> ok = new HashMap<>(base);
        ok.putAll(Map.of("portcullis.backchannel-logout.path", "/logout", "portcullis.backchannel-logout.audience", "c"));
        Portcullis.fromSettings(Settings.of(ok)).close();
    }

    private static void assertNames(Map<String, String> base, String setting, String... pairs) {
        Map<String, String> m = new HashMap<>(base);
        for (int i = 0; i < pairs.length; i += 2) {
            m.put(pairs[i], pairs[i + 1]);
        }
        assertThatThrownBy(() -> Portcullis.fromSettings(Settings.of(m)).close())
                .isInstanceOfSatisfying(ConfigurationException.class, e -> assertThat(e.setting()).isEqualTo(setting));
    }
}
