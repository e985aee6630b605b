package dev.portcullis.token.internal;

import dev.portcullis.testing.JwksServer;
import dev.portcullis.testing.MutableClock;
import dev.portcullis.testing.TestKeys;
import dev.portcullis.testing.Tokens;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The key state health and metrics report ({@link TokenValidator#keyStatus}), against a real key
 * server that fails and recovers, with a hand-moved clock: FRESH within the cache lifetime, STALE
 * while refreshing fails (the last keys still verify), UNAVAILABLE past the stale-if-error limit
 * or before any good fetch, LOCAL for file keys; and a status read for metrics never fetches.
 */
class IssuerKeyStatusTest {
    private final MutableClock clock = MutableClock.at(Instant.parse("2026-03-01T12:00:00Z"));
    private final JwksServer idp = JwksServer.serving(TestKeys.rsa());

    @TempDir
    Path dir;

    @AfterEach
    void stop() {
        idp.close();
    }

    private TokenValidator validator() {
        return TokenValidator.builder().clock(clock)
                .issuer(IssuerConfig.builder(Tokens.ISSUER).audiences(Tokens.AUDIENCE).jwksUri(idp.jwksUri()).build())
                .jwksCacheTtl(Duration.ofMinutes(10)).jwksRefreshInterval(Duration.ofSeconds(30))
                .jwksStaleIfError(Duration.ofHours(1))
                .build();
    }

    private static IssuerKeyStatus only(List<IssuerKeyStatus> status) {
        assertThat(status).hasSize(1);
        return status.get(0);
    }

    @Test
    void keyStatusWhenServerFailsThenFreshStaleUnavailableAndFreshAgain() throws Exception {
        TokenValidator v = validator();
        IssuerKeyStatus fresh = only(v.keyStatus(true));
        assertThat(fresh.state()).isEqualTo(IssuerKeyStatus.State.FRESH);
        assertThat(fresh.fetchedAt()).contains(clock.instant());
        assertThat(fresh.fetches()).isEqualTo(1);

        idp.fail(500);
        clock.advance(Duration.ofMinutes(11));
        IssuerKeyStatus stale = only(v.keyStatus(true));
        assertThat(stale.state()).isEqualTo(IssuerKeyStatus.State.STALE);
        assertThat(stale.failures()).isEqualTo(1);
        assertThat(stale.fetchedAt()).as("the keys in use are the old ones").isEqualTo(fresh.fetchedAt());
        assertThat(v.validate(Tokens.signedWith(TestKeys.rsa()).at(clock.instant()).sign()).subject())
                .as("stale keys still verify").isEqualTo(Tokens.SUBJECT);

        clock.advance(Duration.ofHours(1));
        assertThat(only(v.keyStatus(true)).state()).isEqualTo(IssuerKeyStatus.State.UNAVAILABLE);

        idp.normal();
        clock.advance(Duration.ofSeconds(31));
        IssuerKeyStatus back = only(v.keyStatus(true));
        assertThat(back.state()).isEqualTo(IssuerKeyStatus.State.FRESH);
        assertThat(back.fetchedAt()).contains(clock.instant());
        v.close();
    }

    @Test
    void keyStatusWhenNoGoodFetchYetThenUnavailable() {
        idp.fail(503);
        TokenValidator v = validator();
        IssuerKeyStatus status = only(v.keyStatus(true));
        assertThat(status.state()).isEqualTo(IssuerKeyStatus.State.UNAVAILABLE);
        assertThat(status.fetchedAt()).isEmpty();
        assertThat(status.failures()).isEqualTo(1);
        v.close();
    }

    @Test
    void keyStatusWithoutRefreshThenNeverFetches() {
        TokenValidator v = validator();
        IssuerKeyStatus status = only(v.keyStatus(false));
        assertThat(status.state()).as("nothing fetched yet, and a metrics read does not fetch")
                .isEqualTo(IssuerKeyStatus.State.UNAVAILABLE);
        assertThat(idp.jwksHits()).isZero();
        assertThat(only(v.keyStatus(true)).state()).as("positive twin: a health read fetches")
                .isEqualTo(IssuerKeyStatus.State.FRESH);
        assertThat(idp.jwksHits()).isEqualTo(1);
        v.close();
    }

    @Test
    void keyStatusWhenFileKeysThenLocal() throws Exception {
        Path jwks = Files.writeString(dir.resolve("jwks.json"), TestKeys.jwks(TestKeys.rsa()));
        TokenValidator v = TokenValidator.builder().clock(clock)
                .issuer(IssuerConfig.builder(Tokens.ISSUER).audiences(Tokens.AUDIENCE).jwksFile(jwks).build())
                .build();
        assertThat(only(v.keyStatus(true)).state()).isEqualTo(IssuerKeyStatus.State.LOCAL);
        v.close();
    }
}
