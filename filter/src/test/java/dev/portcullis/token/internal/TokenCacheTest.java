package dev.portcullis.token.internal;

import dev.portcullis.Portcullis;
import dev.portcullis.PortcullisException;
import dev.portcullis.Reason;
import dev.portcullis.config.ConfigurationException;
import dev.portcullis.config.SettingNames;
import dev.portcullis.config.Settings;
import dev.portcullis.internal.EngineParts;
import dev.portcullis.testing.JwksServer;
import dev.portcullis.testing.MutableClock;
import dev.portcullis.testing.TestKeys;
import dev.portcullis.testing.Tokens;

import dev.portcullis.token.VerifiedToken;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

/** The verified-token cache alone and wired into the engine, with a hand-moved clock. */
class TokenCacheTest {
    private static final Instant T0 = Instant.parse("2026-03-01T12:00:00Z");

    private final MutableClock clock = MutableClock.at(T0);
    private final JwksServer idp = JwksServer.serving(TestKeys.rsa(), TestKeys.ec());

    @AfterEach
    void stop() {
        idp.close();
    }

    private Portcullis engine(String... extra) {
        Map<String, String> m = new HashMap<>(Map.of(
                "portcullis.issuer", Tokens.ISSUER, "portcullis.audience", Tokens.AUDIENCE,
                "portcullis.jwks-uri", idp.jwksUri().toString(),
                "portcullis.jwks.cache-ttl", "30s", "portcullis.jwks.refresh-interval", "1s"));
        for (int i = 0; i < extra.length; i += 2) {
            m.put(extra[i], extra[i + 1]);
        }
        return Portcullis.fromSettings(Settings.of(m), clock);
    }

    private static VerifiedToken auth(Portcullis p, String token) throws PortcullisException {
        return p.authenticate(List.of("Bearer " + token), List.of());
    }

    private static Reason refusal(Portcullis p, String token) {
        PortcullisException e = catchThrowableOfType(PortcullisException.class, () -> auth(p, token));
        assertThat(e).as("token should be refused").isNotNull();
        return e.reason();
    }

    private String rsa() {
        return Tokens.signedWith(TestKeys.rsa()).at(clock.instant()).sign();
    }

    private TokenCache cache(Duration ttl, int maxEntries) {
        return TokenCache.builder().clock(clock).ttl(ttl).maxEntries(maxEntries).build();
    }

    private static VerifiedToken verified(String issuer, String kid, Instant exp) {
        return new VerifiedToken(issuer, "alice", null, null, exp, "RS256", kid, Map.of());
    }

    @Test
    void authenticateWhenSameTokenTwiceThenSecondIsACacheHitWithTheSameIdentity() throws Exception {
        try (Portcullis p = engine()) {
            String token = rsa();
            VerifiedToken first = auth(p, token);
            VerifiedToken second = auth(p, token);
            assertThat(second).isSameAs(first);
            assertThat(EngineParts.of(p).tokenCache().hits()).isEqualTo(1);
            assertThat(EngineParts.of(p).tokenCache().misses()).isEqualTo(1);
            assertThat(EngineParts.of(p).tokenCache().size()).isEqualTo(1);
        }
    }

    @Test
    void authenticateWhenPayloadTamperedButSignatureReusedThenMissAndBadSignature() throws Exception {
        try (Portcullis p = engine()) {
            String token = rsa();
            assertThat(auth(p, token).subject()).isEqualTo(Tokens.SUBJECT);
            String[] parts = token.split("\\.");
            String forgedPayload = Tokens.b64("{\"iss\":\"" + Tokens.ISSUER
                    + "\",\"aud\":\"" + Tokens.AUDIENCE + "\",\"sub\":\"mallory\",\"exp\":"
                    + (T0.getEpochSecond() + 600) + "}");
            String tampered = parts[0] + "." + forgedPayload + "." + parts[2];
            assertThat(refusal(p, tampered)).isEqualTo(Reason.BAD_SIGNATURE);
            // a different header with the same payload and signature misses too
            String otherHeader = Tokens.b64("{\"alg\":\"RS256\",\"kid\":\"" + TestKeys.RSA_KID + "\",\"x\":1}");
            assertThat(refusal(p, otherHeader + "." + parts[1] + "." + parts[2])).isEqualTo(Reason.BAD_SIGNATURE);
            assertThat(EngineParts.of(p).tokenCache().hits()).isZero();
            // the genuine token is still served from the cache
            assertThat(auth(p, token).subject()).isEqualTo(Tokens.SUBJECT);
            assertThat(EngineParts.of(p).tokenCache().hits()).isEqualTo(1);
        }
    }

    @Test
    void getWhenTokenDiffersInOneCharacterThenMiss() {
        TokenCache c = cache(Duration.ofMinutes(5), 100);
        String token = "aaaa.bbbb.cccc";
        c.put(token, verified(Tokens.ISSUER, "k", T0.plusSeconds(60)), c.generation());
        assertThat(c.get(new String(token.toCharArray()))).isNotNull();
        assertThat(c.get("aaab.bbbb.cccc")).isNull();
        assertThat(c.get("aaaa.bbbb.cccc.")).isNull();
    }

    @Test
    void getWhenClockReachesExpThenMissAndTokenRefused() throws Exception {
        try (Portcullis p = engine(SettingNames.TOKEN_CACHE_TTL, "1h", SettingNames.CLOCK_SKEW, "0s")) {
            String token = Tokens.signedWith(TestKeys.rsa()).at(clock.instant()).expiresIn(Duration.ofMinutes(2)).sign();
            auth(p, token);
            clock.advance(Duration.ofMinutes(2).minusMillis(1));
            assertThat(auth(p, token).subject()).isEqualTo(Tokens.SUBJECT);
            assertThat(EngineParts.of(p).tokenCache().hits()).isEqualTo(1);
            clock.advance(Duration.ofMillis(1));
            assertThat(refusal(p, token)).isEqualTo(Reason.EXPIRED);
            assertThat(EngineParts.of(p).tokenCache().hits()).isEqualTo(1);
        }
    }

    @Test
    void getWhenInsideSkewAfterExpThenMissButStillAcceptedByFullValidation() throws Exception {
        try (Portcullis p = engine(SettingNames.TOKEN_CACHE_TTL, "1h", SettingNames.CLOCK_SKEW, "30s")) {
            String token = Tokens.signedWith(TestKeys.rsa()).at(clock.instant()).expiresIn(Duration.ofMinutes(2)).sign();
            auth(p, token);
            clock.advance(Duration.ofMinutes(2).plusSeconds(10));
            assertThat(auth(p, token).subject()).isEqualTo(Tokens.SUBJECT);
            assertThat(EngineParts.of(p).tokenCache().hits()).isZero();
            assertThat(EngineParts.of(p).tokenCache().size()).isZero();
        }
    }

    @Test
    void getWhenTtlPassesBeforeExpThenMiss() {
        TokenCache c = cache(Duration.ofMinutes(1), 100);
        c.put("t.t.t", verified(Tokens.ISSUER, "k", T0.plus(Duration.ofMinutes(10))), c.generation());
        clock.advance(Duration.ofMinutes(1).minusMillis(1));
        assertThat(c.get("t.t.t")).isNotNull();
        clock.advance(Duration.ofMillis(1));
        assertThat(c.get("t.t.t")).isNull();
        assertThat(c.size()).isZero();
    }

    @Test
    void putWhenAlreadyExpiredOrTooLongThenNotCached() {
        TokenCache c = TokenCache.builder().clock(clock).maxTokenChars(10).build();
        c.put("short.a.b", verified(Tokens.ISSUER, "k", T0), c.generation());
        c.put("much.too.long", verified(Tokens.ISSUER, "k", T0.plusSeconds(60)), c.generation());
        assertThat(c.size()).isZero();
        c.put("short.a.b", verified(Tokens.ISSUER, "k", T0.plusSeconds(60)), c.generation());
        assertThat(c.get("short.a.b")).isNotNull();
    }

    @Test
    void putWhenFullThenSizeStaysWithinBoundAndNewestIsCached() {
        TokenCache c = cache(Duration.ofMinutes(5), 64);
        for (int i = 0; i < 1000; i++) {
            c.put("tok." + i + ".sig", verified(Tokens.ISSUER, "k", T0.plusSeconds(60)), c.generation());
            assertThat(c.size()).isLessThanOrEqualTo(64);
            assertThat(c.get("tok." + i + ".sig")).isNotNull();
        }
        assertThat(c.evictions()).isGreaterThanOrEqualTo(1000 - 64);
    }

    @Test
    void putWhenFullThenExpiredEntriesGoFirst() {
        TokenCache c = cache(Duration.ofMinutes(5), 4);
        c.put("old.a.1", verified(Tokens.ISSUER, "k", T0.plusSeconds(1)), c.generation());
        c.put("new.a.2", verified(Tokens.ISSUER, "k", T0.plusSeconds(600)), c.generation());
        c.put("new.a.3", verified(Tokens.ISSUER, "k", T0.plusSeconds(600)), c.generation());
        c.put("new.a.4", verified(Tokens.ISSUER, "k", T0.plusSeconds(600)), c.generation());
        clock.advance(Duration.ofSeconds(2));
        c.put("new.a.5", verified(Tokens.ISSUER, "k", T0.plusSeconds(600)), c.generation());
        assertThat(c.size()).isEqualTo(4);
        for (int i = 2; i <= 5; i++) {
            assertThat(c.get("new.a." + i)).isNotNull();
        }
    }

    @Test
    void keysRemovedWhenKidMatchesThenOnlyThatIssuersEntriesOfThatKidDropped() {
        TokenCache c = cache(Duration.ofMinutes(5), 100);
        c.put("a.a.1", verified(Tokens.ISSUER, "k1", T0.plusSeconds(60)), c.generation());
        c.put("a.a.2", verified(Tokens.ISSUER, "k2", T0.plusSeconds(60)), c.generation());
        c.put("a.a.3", verified("https://other.test", "k1", T0.plusSeconds(60)), c.generation());
        c.put("a.a.4", verified(Tokens.ISSUER, null, T0.plusSeconds(60)), c.generation());
        c.keysRemoved(Tokens.ISSUER, Set.of("k1"));
        assertThat(c.get("a.a.1")).isNull();
        assertThat(c.get("a.a.4")).as("kid-less token of the issuer").isNull();
        assertThat(c.get("a.a.2")).isNotNull();
        assertThat(c.get("a.a.3")).isNotNull();
    }

    @Test
    void putWhenKeysRemovedDuringValidationThenNotCached() {
        TokenCache c = cache(Duration.ofMinutes(5), 100);
        long before = c.generation();
        c.keysRemoved(Tokens.ISSUER, Set.of("k1"));
        c.put("a.a.1", verified(Tokens.ISSUER, "k1", T0.plusSeconds(60)), before);
        assertThat(c.get("a.a.1")).isNull();
        c.put("a.a.1", verified(Tokens.ISSUER, "k1", T0.plusSeconds(60)), c.generation());
        assertThat(c.get("a.a.1")).isNotNull();
    }

    @Test
    void authenticateWhenKeyRemovedFromJwksThenCachedTokenOfThatKeyRefused() throws Exception {
        try (Portcullis p = engine()) {
            String rsaToken = rsa();
            String ecToken = Tokens.signedWith(TestKeys.ec()).at(clock.instant()).sign();
            auth(p, rsaToken);
            auth(p, ecToken);
            assertThat(auth(p, rsaToken)).isNotNull();
            assertThat(EngineParts.of(p).tokenCache().hits()).isEqualTo(1);
            idp.serve(TestKeys.ec());
            clock.advance(Duration.ofSeconds(31));
            // a new token makes the validator fetch the rotated set, which no longer lists rsa-1
            auth(p, Tokens.signedWith(TestKeys.ec()).at(clock.instant()).sign());
            assertThat(refusal(p, rsaToken)).isEqualTo(Reason.UNKNOWN_KEY);
            assertThat(auth(p, ecToken).subject()).isEqualTo(Tokens.SUBJECT);
            assertThat(EngineParts.of(p).tokenCache().hits()).isEqualTo(2);
        }
    }

    @Test
    void fromSettingsWhenDisabledThenNoCacheAndEveryRequestVerifies() throws Exception {
        try (Portcullis p = engine(SettingNames.TOKEN_CACHE_ENABLED, "false")) {
            assertThat(EngineParts.of(p).tokenCache()).isNull();
            String token = rsa();
            VerifiedToken first = auth(p, token);
            assertThat(auth(p, token)).isNotSameAs(first);
            assertThat(auth(p, token).subject()).isEqualTo(Tokens.SUBJECT);
        }
        try (Portcullis p = engine(SettingNames.TOKEN_CACHE_ENABLED, "true")) {
            assertThat(EngineParts.of(p).tokenCache()).isNotNull();
        }
    }

    @Test
    void fromSettingsWhenValuesGivenThenApplied() {
        Optional<TokenCache> c = TokenCache.fromSettings(Settings.of(Map.of(SettingNames.TOKEN_CACHE_MAX_ENTRIES, "5",
                SettingNames.TOKEN_CACHE_TTL, "30s")), clock, 4096);
        assertThat(c).isPresent();
        assertThat(c.get().maxEntries()).isEqualTo(5);
        assertThat(c.get().ttl()).isEqualTo(Duration.ofSeconds(30));
        TokenCache defaults = TokenCache.fromSettings(Settings.of(Map.of()), clock, 4096).orElseThrow();
        assertThat(defaults.maxEntries()).isEqualTo(10_000);
        assertThat(defaults.ttl()).isEqualTo(Duration.ofMinutes(5));
    }

    @Test
    void fromSettingsWhenBadValuesThenConfigurationExceptionNamingTheSetting() {
        assertThatThrownBy(() -> TokenCache.fromSettings(Settings.of(Map.of(SettingNames.TOKEN_CACHE_MAX_ENTRIES, "0")), clock, 4096))
                .isInstanceOf(ConfigurationException.class).hasMessageContaining(SettingNames.TOKEN_CACHE_MAX_ENTRIES)
                .hasMessageContaining("was 0");
        assertThatThrownBy(() -> TokenCache.fromSettings(Settings.of(Map.of(SettingNames.TOKEN_CACHE_TTL, "25h")), clock, 4096))
                .isInstanceOf(ConfigurationException.class).hasMessageContaining(SettingNames.TOKEN_CACHE_TTL);
        assertThatThrownBy(() -> TokenCache.fromSettings(Settings.of(Map.of(SettingNames.TOKEN_CACHE_ENABLED, "maybe")), clock, 4096))
                .isInstanceOf(ConfigurationException.class).hasMessageContaining(SettingNames.TOKEN_CACHE_ENABLED);
    }
}
