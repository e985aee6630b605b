package dev.portcullis.token.internal;

import dev.portcullis.PortcullisException;
import dev.portcullis.Reason;
import dev.portcullis.testing.JwksServer;
import dev.portcullis.testing.MutableClock;
import dev.portcullis.testing.TestKeys;
import dev.portcullis.testing.Tokens;

import org.jose4j.jwk.PublicJsonWebKey;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Consumer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

/** Remote key sets (JWKS URL and discovery) through a {@link TokenValidator}, with a hand-moved clock. */
class RemoteJwksTest {
    private final MutableClock clock = MutableClock.at(Instant.parse("2026-03-01T12:00:00Z"));
    private final JwksServer idp = JwksServer.serving(TestKeys.rsa(), TestKeys.ec());
    private final List<Set<String>> removed = new CopyOnWriteArrayList<>();

    @AfterEach
    void stop() {
        idp.close();
    }

    private TokenValidator validator() {
        return validator(b -> { });
    }

    private TokenValidator validator(Consumer<TokenValidator.Builder> tweak) {
        TokenValidator.Builder b = TokenValidator.builder().clock(clock)
                .issuer(IssuerConfig.builder(Tokens.ISSUER).audiences(Tokens.AUDIENCE).jwksUri(idp.jwksUri()).build())
                .onKeysRemoved((issuer, kids) -> removed.add(kids));
        tweak.accept(b);
        return b.build();
    }

    private String token(PublicJsonWebKey key) {
        return Tokens.signedWith(key).at(clock.instant()).sign();
    }

    private static Reason refusal(TokenValidator v, String token) {
        PortcullisException e = catchThrowableOfType(PortcullisException.class, () -> v.validate(token));
        assertThat(e).as("token should be refused").isNotNull();
        return e.reason();
    }

    @Test
    void validateWhenFirstTokenThenKeysFetchedOnceAndCached() throws PortcullisException {
        TokenValidator v = validator();
        assertThat(idp.jwksHits()).isZero();
        for (int i = 0; i < 5; i++) {
            assertThat(v.validate(token(TestKeys.rsa())).subject()).isEqualTo(Tokens.SUBJECT);
            assertThat(v.validate(token(TestKeys.ec())).algorithm()).isEqualTo("ES256");
        }
        assertThat(idp.jwksHits()).isEqualTo(1);
        assertThat(v.keyFetchCount(Tokens.ISSUER)).isEqualTo(1);
    }

    @Test
    void validateWhenDefaultTtlPassesThenKeysRefetched() throws PortcullisException {
        TokenValidator v = validator();
        v.validate(token(TestKeys.rsa()));
        clock.advance(Duration.ofMinutes(9));
        v.validate(token(TestKeys.rsa()));
        assertThat(idp.jwksHits()).isEqualTo(1);
        clock.advance(Duration.ofMinutes(1));
        v.validate(token(TestKeys.rsa()));
        assertThat(idp.jwksHits()).isEqualTo(2);
    }

    @Test
    void validateWhenCacheControlMaxAgeThenHonoured() throws PortcullisException {
        idp.cacheControl("public, max-age=120");
        TokenValidator v = validator();
        v.validate(token(TestKeys.rsa()));
        clock.advance(Duration.ofSeconds(119));
        v.validate(token(TestKeys.rsa()));
        assertThat(idp.jwksHits()).isEqualTo(1);
        clock.advance(Duration.ofSeconds(2));
        v.validate(token(TestKeys.rsa()));
        assertThat(idp.jwksHits()).isEqualTo(2);
    }

    @Test
    void validateWhenCacheControlTinyOrNoStoreThenClampedToThirtySeconds() throws PortcullisException {
        idp.cacheControl("max-age=1");
        TokenValidator v = validator();
        v.validate(token(TestKeys.rsa()));
        clock.advance(Duration.ofSeconds(20));
        v.validate(token(TestKeys.rsa()));
        assertThat(idp.jwksHits()).isEqualTo(1);
        idp.cacheControl("no-store");
        clock.advance(Duration.ofSeconds(11));
        v.validate(token(TestKeys.rsa()));
        assertThat(idp.jwksHits()).isEqualTo(2);
        clock.advance(Duration.ofSeconds(29));
        v.validate(token(TestKeys.rsa()));
        assertThat(idp.jwksHits()).isEqualTo(2);
        clock.advance(Duration.ofSeconds(1));
        v.validate(token(TestKeys.rsa()));
        assertThat(idp.jwksHits()).isEqualTo(3);
    }

    @Test
    void validateWhenUnknownKidsThenRefreshAtMostOncePerInterval() throws PortcullisException {
        TokenValidator v = validator();
        v.validate(token(TestKeys.rsa()));
        for (int i = 0; i < 100; i++) {
            String random = Tokens.signedWith(TestKeys.rsa()).kid("kid-" + i).at(clock.instant()).sign();
            assertThat(refusal(v, random)).isEqualTo(Reason.UNKNOWN_KEY);
        }
        assertThat(idp.jwksHits()).isEqualTo(1);
        clock.advance(Duration.ofSeconds(30));
        for (int i = 0; i < 100; i++) {
            String random = Tokens.signedWith(TestKeys.rsa()).kid("later-" + i).at(clock.instant()).sign();
            assertThat(refusal(v, random)).isEqualTo(Reason.UNKNOWN_KEY);
        }
        assertThat(idp.jwksHits()).isEqualTo(2);
        assertThat(v.validate(token(TestKeys.rsa())).subject()).isEqualTo(Tokens.SUBJECT);
    }

    @Test
    void validateWhenIssuerRotatesKeysThenNewKidAcceptedAndRemovedKidRefused() throws PortcullisException {
        TokenValidator v = validator();
        String oldToken = token(TestKeys.rsa());
        v.validate(oldToken);
        PublicJsonWebKey next = TestKeys.otherRsa();
        idp.serve(TestKeys.rsa(), next);
        // within the refresh interval the new kid is not yet fetched
        assertThat(refusal(v, token(next))).isEqualTo(Reason.UNKNOWN_KEY);
        clock.advance(Duration.ofSeconds(30));
        assertThat(v.validate(token(next)).keyId()).isEqualTo(TestKeys.OTHER_RSA_KID);
        assertThat(v.validate(oldToken).keyId()).isEqualTo(TestKeys.RSA_KID);
        assertThat(idp.jwksHits()).isEqualTo(2);

        idp.serve(next);
        clock.advance(Duration.ofMinutes(10));
        String oldKidNow = token(TestKeys.rsa());
        assertThat(v.validate(token(next)).keyId()).isEqualTo(TestKeys.OTHER_RSA_KID);
        assertThat(refusal(v, oldKidNow)).isEqualTo(Reason.UNKNOWN_KEY);
        assertThat(removed).containsExactly(Set.of(TestKeys.EC_KID), Set.of(TestKeys.RSA_KID));
    }

    @Test
    void validateWhenEndpointFailsWithCachedKeysThenLastGoodKeysUsed() throws PortcullisException {
        TokenValidator v = validator();
        v.validate(token(TestKeys.rsa()));
        idp.fail(500);
        clock.advance(Duration.ofMinutes(11));
        assertThat(v.validate(token(TestKeys.rsa())).subject()).isEqualTo(Tokens.SUBJECT);
        assertThat(idp.jwksHits()).isEqualTo(2);
        idp.invalidJson();
        clock.advance(Duration.ofHours(1));
        assertThat(v.validate(token(TestKeys.rsa())).subject()).isEqualTo(Tokens.SUBJECT);
        assertThat(idp.jwksHits()).isEqualTo(3);
    }

    @Test
    void validateWhenEndpointFailsPastStaleIfErrorThenKeysUnavailableUntilItRecovers() throws PortcullisException {
        TokenValidator v = validator(b -> b.jwksStaleIfError(Duration.ofHours(1)));
        v.validate(token(TestKeys.rsa()));
        idp.fail(503);
        clock.advance(Duration.ofMinutes(59));
        assertThat(v.validate(token(TestKeys.rsa())).subject()).isEqualTo(Tokens.SUBJECT);
        clock.advance(Duration.ofMinutes(2));
        PortcullisException e = catchThrowableOfType(PortcullisException.class, () -> v.validate(token(TestKeys.rsa())));
        assertThat(e.reason()).isEqualTo(Reason.KEYS_UNAVAILABLE);
        assertThat(e.retryAfterSeconds()).isEqualTo(30);
        idp.normal();
        clock.advance(Duration.ofSeconds(30));
        assertThat(v.validate(token(TestKeys.rsa())).subject()).isEqualTo(Tokens.SUBJECT);
    }

    @Test
    void validateWhenNoKeysEverFetchedThenKeysUnavailableWithRetryAfter() throws PortcullisException {
        idp.fail(500);
        TokenValidator v = validator();
        PortcullisException e = catchThrowableOfType(PortcullisException.class, () -> v.validate(token(TestKeys.rsa())));
        assertThat(e.reason()).isEqualTo(Reason.KEYS_UNAVAILABLE);
        assertThat(e.retryAfterSeconds()).isEqualTo(30);
        assertThat(refusal(v, token(TestKeys.rsa()))).isEqualTo(Reason.KEYS_UNAVAILABLE);
        assertThat(idp.jwksHits()).as("failed fetches are rate-limited too").isEqualTo(1);
        idp.normal();
        clock.advance(Duration.ofSeconds(30));
        assertThat(v.validate(token(TestKeys.rsa())).subject()).isEqualTo(Tokens.SUBJECT);
    }

    @Test
    void validateWhenEndpointSendsInvalidJsonOrNoKeySetThenKeysUnavailable() {
        idp.invalidJson();
        assertThat(refusal(validator(), token(TestKeys.rsa()))).isEqualTo(Reason.KEYS_UNAVAILABLE);
        idp.serveJson("{\"keys\":\"nope\"}");
        assertThat(refusal(validator(), token(TestKeys.rsa()))).isEqualTo(Reason.KEYS_UNAVAILABLE);
        idp.serveJson("[1,2,3]");
        assertThat(refusal(validator(), token(TestKeys.rsa()))).isEqualTo(Reason.KEYS_UNAVAILABLE);
    }

    @Test
    void validateWhenBodyLargerThanLimitThenKeysUnavailable() throws PortcullisException {
        idp.huge(2 * 1024 * 1024);
        assertThat(refusal(validator(), token(TestKeys.rsa()))).isEqualTo(Reason.KEYS_UNAVAILABLE);
        idp.normal();
        assertThat(validator(b -> b.maxJwksBytes(4096)).validate(token(TestKeys.rsa())).subject()).isEqualTo(Tokens.SUBJECT);
    }

    @Test
    void validateWhenEndpointHangsThenBoundedByTimeout() {
        idp.hang();
        TokenValidator v = validator(b -> b.httpTimeout(Duration.ofMillis(300)));
        Reason r = assertTimeoutPreemptively(Duration.ofSeconds(20), () -> refusal(v, token(TestKeys.rsa())));
        assertThat(r).isEqualTo(Reason.KEYS_UNAVAILABLE);
    }

    @Test
    void validateWhenBodyTricklesThenBoundedByTimeout() {
        idp.drip(Duration.ofMillis(100));
        TokenValidator v = validator(b -> b.httpTimeout(Duration.ofMillis(500)));
        Reason r = assertTimeoutPreemptively(Duration.ofSeconds(20), () -> refusal(v, token(TestKeys.rsa())));
        assertThat(r).isEqualTo(Reason.KEYS_UNAVAILABLE);
    }

    @Test
    void validateWhenEndpointSlowButWithinTimeoutThenVerified() throws PortcullisException {
        idp.slow(Duration.ofMillis(200));
        assertThat(validator(b -> b.httpTimeout(Duration.ofSeconds(10))).validate(token(TestKeys.rsa())).subject())
                .isEqualTo(Tokens.SUBJECT);
    }

    @Test
    void validateWhenManyThreadsNeedKeysAtOnceThenOneFetch() throws Exception {
        idp.slow(Duration.ofMillis(300));
        TokenValidator v = validator();
        String token = token(TestKeys.rsa());
        ExecutorService pool = Executors.newFixedThreadPool(16);
        try {
            CountDownLatch go = new CountDownLatch(1);
            List<Future<String>> results = new ArrayList<>();
            for (int i = 0; i < 16; i++) {
                results.add(pool.submit(() -> {
                    go.await();
                    return v.validate(token).subject();
                }));
            }
            go.countDown();
            for (Future<String> f : results) {
                assertThat(f.get()).isEqualTo(Tokens.SUBJECT);
            }
        } finally {
            pool.shutdownNow();
        }
        assertThat(idp.jwksHits()).isEqualTo(1);
    }

    @Test
    void validateWhenKeysComeFromDiscoveryThenJwksUriFollowed() throws PortcullisException {
        TokenValidator v = TokenValidator.builder().clock(clock)
                .issuer(IssuerConfig.builder(idp.issuer()).audiences(Tokens.AUDIENCE).discoveryUri(idp.discoveryUri()).build())
                .build();
        String token = Tokens.signedWith(TestKeys.ed25519()).issuer(idp.issuer()).at(clock.instant()).sign();
        idp.serve(TestKeys.ed25519());
        assertThat(v.validate(token).issuer()).isEqualTo(idp.issuer());
        assertThat(v.validate(token).algorithm()).isEqualTo("EdDSA");
        assertThat(idp.discoveryHits()).isEqualTo(1);
        assertThat(idp.jwksHits()).isEqualTo(1);
    }

    @Test
    void validateWhenDiscoveryNamesAnotherIssuerThenKeysUnavailable() {
        idp.discoveryIssuer("https://evil.test");
        TokenValidator v = TokenValidator.builder().clock(clock)
                .issuer(IssuerConfig.builder(idp.issuer()).audiences(Tokens.AUDIENCE).discoveryUri(idp.discoveryUri()).build())
                .build();
        String token = Tokens.signedWith(TestKeys.rsa()).issuer(idp.issuer()).at(clock.instant()).sign();
        assertThat(refusal(v, token)).isEqualTo(Reason.KEYS_UNAVAILABLE);
        assertThat(idp.jwksHits()).isZero();
    }

    @Test
    void validateWhenDiscoveryFailsThenKeysUnavailableAndRetriedLater() throws PortcullisException {
        idp.discoveryFails(true);
        TokenValidator v = TokenValidator.builder().clock(clock)
                .issuer(IssuerConfig.builder(idp.issuer()).audiences(Tokens.AUDIENCE).discoveryUri(idp.discoveryUri()).build())
                .build();
        assertThat(refusal(v, Tokens.signedWith(TestKeys.rsa()).issuer(idp.issuer()).at(clock.instant()).sign()))
                .isEqualTo(Reason.KEYS_UNAVAILABLE);
        idp.discoveryFails(false);
        clock.advance(Duration.ofSeconds(30));
        assertThat(v.validate(Tokens.signedWith(TestKeys.rsa()).issuer(idp.issuer()).at(clock.instant()).sign()).issuer())
                .isEqualTo(idp.issuer());
    }

    @Test
    void validateWhenJwksHoldsEncryptionOrSymmetricKeysThenTheyAreNotUsed() throws Exception {
        String rsaEnc = TestKeys.rsa().toJson(org.jose4j.jwk.JsonWebKey.OutputControlLevel.PUBLIC_ONLY)
                .replace("{", "{\"use\":\"enc\",");
        idp.serveJson("{\"keys\":[" + rsaEnc + ",{\"kty\":\"oct\",\"kid\":\"oct-1\",\"k\":\"AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA\"}]}");
        TokenValidator v = validator();
        assertThat(refusal(v, token(TestKeys.rsa()))).isEqualTo(Reason.UNKNOWN_KEY);
        idp.serve(TestKeys.rsa());
        clock.advance(Duration.ofSeconds(30));
        assertThat(validator().validate(token(TestKeys.rsa())).subject()).isEqualTo(Tokens.SUBJECT);
    }
}
