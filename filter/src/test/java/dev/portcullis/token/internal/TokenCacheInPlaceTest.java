package dev.portcullis.token.internal;

import dev.portcullis.Portcullis;
import dev.portcullis.PortcullisException;
import dev.portcullis.Reason;
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

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

/**
 * The verified-token cache looked up in place in the {@code Authorization} header
 * ({@link TokenCache#hit}, used by the engine before the syntax scan): a hit only for exactly the
 * cached token's characters, compared in full, never for a token that differs in one character
 * anywhere (the hash covers only the length and the last 32 characters), nor for a non-Latin-1
 * character whose low byte is the cached character's.
 */
class TokenCacheInPlaceTest {
    private static final Instant T0 = Instant.parse("2026-03-01T12:00:00Z");
    private static final String ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

    private final MutableClock clock = MutableClock.at(T0);
    private final JwksServer idp = JwksServer.serving(TestKeys.rsa(), TestKeys.ec());

    @AfterEach
    void stop() {
        idp.close();
    }

    private Portcullis engine(boolean tokenCache) {
        Map<String, String> m = new HashMap<>(Map.of(
                "portcullis.issuer", Tokens.ISSUER, "portcullis.audience", Tokens.AUDIENCE,
                "portcullis.jwks-uri", idp.jwksUri().toString(),
                SettingNames.TOKEN_CACHE_ENABLED, Boolean.toString(tokenCache)));
        return Portcullis.fromSettings(Settings.of(m), clock);
    }

    private String rsa() {
        return Tokens.signedWith(TestKeys.rsa()).at(clock.instant()).sign();
    }

    private static VerifiedToken verified(Instant exp) {
        return new VerifiedToken(Tokens.ISSUER, "alice", null, null, exp, "RS256", "k", Map.of());
    }

    /** The token with its character at {@code i} replaced by another base64url character. */
    private static String otherCharacterAt(String token, int i) {
        char c = token.charAt(i);
        char other = c == '.' ? 'A' : ALPHABET.charAt((ALPHABET.indexOf(c) + 1) % ALPHABET.length());
        return token.substring(0, i) + other + token.substring(i + 1);
    }

    /** The token with its character at {@code i} replaced by one whose low byte is the same (U+0141 for 'A'). */
    private static String sameLowByteAt(String token, int i) {
        return token.substring(0, i) + (char) (token.charAt(i) + 0x100) + token.substring(i + 1);
    }

    private static Reason refusal(Portcullis p, String header) {
        PortcullisException e = catchThrowableOfType(PortcullisException.class,
                () -> p.authenticate(List.of(header), List.of()));
        assertThat(e).as("refused: %s", header).isNotNull();
        return e.reason();
    }

    @Test
    void hitWhenTheSameTokenIsInAHeaderThenServedAndCounted() {
        TokenCache c = TokenCache.builder().clock(clock).build();
        String token = rsa();
        VerifiedToken who = verified(T0.plusSeconds(60));
        c.put(token, who, c.generation());

        // a new header string each time, as each request brings
        assertThat(c.hit(new String(("Bearer " + token).toCharArray()), 7)).isSameAs(who);
        assertThat(c.hit(new String(("bearer " + token).toCharArray()), 7)).isSameAs(who);
        assertThat(c.hit(new String(token.toCharArray()), 0)).isSameAs(who);
        assertThat(c.hits()).isEqualTo(3);
        assertThat(c.misses()).isZero();
    }

    @Test
    void hitWhenTokenDiffersInOneCharacterAnywhereThenNull() {
        TokenCache c = TokenCache.builder().clock(clock).build();
        String token = rsa();
        c.put(token, verified(T0.plusSeconds(60)), c.generation());
        String header = "Bearer " + token;
        assertThat(c.hit(header, 7)).as("positive control").isNotNull();

        for (int i = 0; i < token.length(); i++) {
            // before the last 32 characters the hash is the same: only the full comparison refuses
            assertThat(c.hit("Bearer " + otherCharacterAt(token, i), 7)).as("other character at %d", i).isNull();
            assertThat(c.hit("Bearer " + sameLowByteAt(token, i), 7)).as("same low byte at %d", i).isNull();
        }
        assertThat(c.hit(header + "A", 7)).as("one more character").isNull();
        assertThat(c.hit(header.substring(0, header.length() - 1), 7)).as("one character fewer").isNull();
        assertThat(c.hit(header, 6)).as("the separator taken into the token").isNull();
        assertThat(c.hit(header, 8)).as("the first character left out").isNull();
        assertThat(c.hits()).isEqualTo(1);
        assertThat(c.misses()).as("a miss is counted by get, once the token is checked").isZero();
    }

    @Test
    void hitWhenEntryExpiredThenNullAndGetCountsTheMiss() {
        TokenCache c = TokenCache.builder().clock(clock).ttl(Duration.ofSeconds(10)).build();
        String token = rsa();
        c.put(token, verified(T0.plusSeconds(60)), c.generation());
        assertThat(c.hit("Bearer " + token, 7)).isNotNull();

        clock.advance(Duration.ofSeconds(10));
        assertThat(c.hit("Bearer " + token, 7)).isNull();
        assertThat(c.get(token)).isNull();
        assertThat(c.hits()).isEqualTo(1);
        assertThat(c.misses()).isEqualTo(1);
        assertThat(c.size()).isZero();
    }

    @Test
    void authenticateWhenCachedTokenAlteredInAnyOneCharacterThenRefusedAsWithoutTheCache() throws Exception {
        try (Portcullis cached = engine(true); Portcullis uncached = engine(false)) {
            String token = rsa();
            VerifiedToken first = cached.authenticate(List.of("Bearer " + token), List.of());
            TokenCache cache = EngineParts.of(cached).tokenCache();
            assertThat(cache.size()).isEqualTo(1);

            for (int i = 0; i < token.length(); i++) {
                for (String altered : List.of(otherCharacterAt(token, i), sameLowByteAt(token, i))) {
                    String header = "Bearer " + altered;
                    assertThat(refusal(cached, header)).as("character %d of %s", i, altered)
                            .isEqualTo(refusal(uncached, header));
                }
            }
            assertThat(cache.hits()).as("no altered token was served from the cache").isZero();

            // positive control: the genuine token, in a new header string, is a hit with the same identity
            VerifiedToken again = cached.authenticate(List.of(new String(("Bearer " + token).toCharArray())), List.of());
            assertThat(again).isSameAs(first);
            assertThat(cache.hits()).isEqualTo(1);
        }
    }
}
