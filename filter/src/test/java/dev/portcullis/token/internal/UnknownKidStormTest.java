package dev.portcullis.token.internal;

import dev.portcullis.PortcullisException;
import dev.portcullis.Reason;
import dev.portcullis.testing.JwksServer;
import dev.portcullis.testing.MutableClock;
import dev.portcullis.testing.TestKeys;
import dev.portcullis.testing.Tokens;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

/**
 * 10,000 requests with random key ids over 100 simulated seconds must not turn into a JWKS fetch
 * storm: at most one fetch per refresh interval (30 s) per issuer.
 */
class UnknownKidStormTest {
    private static final int REQUESTS = 10_000;
    private static final Duration STEP = Duration.ofMillis(10);

    private final MutableClock clock = MutableClock.at(Instant.parse("2026-03-01T12:00:00Z"));
    private final JwksServer idp = JwksServer.serving(TestKeys.rsa());

    @AfterEach
    void stop() {
        idp.close();
    }

    private TokenValidator validator() {
        return TokenValidator.builder().clock(clock)
                .issuer(IssuerConfig.builder(Tokens.ISSUER).audiences(Tokens.AUDIENCE).jwksUri(idp.jwksUri()).build())
                .build();
    }

    @Test
    void validateWhenTenThousandRandomKidsThenAtMostOneFetchPerThirtySeconds() throws PortcullisException {
        TokenValidator v = validator();
        String good = Tokens.signedWith(TestKeys.rsa()).at(clock.instant()).expiresIn(Duration.ofMinutes(30)).sign();
        assertThat(v.validate(good).subject()).isEqualTo(Tokens.SUBJECT);
        String rest = good.substring(good.indexOf('.'));
        Instant start = clock.instant();
        for (int i = 0; i < REQUESTS; i++) {
            String header = Tokens.b64("{\"alg\":\"RS256\",\"kid\":\"" + UUID.randomUUID() + "\"}");
            PortcullisException e = catchThrowableOfType(PortcullisException.class, () -> v.validate(header + rest));
            assertThat(e).isNotNull();
            assertThat(e.reason()).isEqualTo(Reason.UNKNOWN_KEY);
            clock.advance(STEP);
        }
        long seconds = Duration.between(start, clock.instant()).toSeconds();
        assertThat(seconds).isEqualTo(100);
        // the first fetch, then at most one per 30 s of the storm
        assertThat(idp.jwksHits()).isBetween(1, 1 + (int) (seconds / 30));
        assertThat(v.keyFetchCount(Tokens.ISSUER)).isEqualTo(idp.jwksHits());
        // the storm did not make the real key unusable
        assertThat(v.validate(good).subject()).isEqualTo(Tokens.SUBJECT);
    }

    @Test
    void validateWhenKnownKidRepeatedThenNoRefetchWithinTtl() throws PortcullisException {
        TokenValidator v = validator();
        String good = Tokens.signedWith(TestKeys.rsa()).at(clock.instant()).expiresIn(Duration.ofMinutes(30)).sign();
        for (int i = 0; i < 1000; i++) {
            assertThat(v.validate(good).subject()).isEqualTo(Tokens.SUBJECT);
            clock.advance(STEP);
        }
        assertThat(idp.jwksHits()).isEqualTo(1);
    }
}
