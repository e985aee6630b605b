package dev.portcullis.token.internal;

import dev.portcullis.PortcullisException;
import dev.portcullis.testing.TestKeys;
import dev.portcullis.testing.Tokens;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The extractor's fast syntax scan ({@link BearerTokenExtractor#isWellFormed}) accepts exactly the
 * tokens the reference character-by-character scan ({@link BearerTokenExtractor#checkSyntaxOneByOne})
 * accepts: a token it passes is never one the strict rules refuse, and it refuses nothing they accept.
 */
class SyntaxScanAgreementTest {
    private static final BearerTokenExtractor EXTRACTOR = BearerTokenExtractor.builder().maxHeaderBytes(64).build();
    private static final String TOKEN = Tokens.signedWith(TestKeys.ec()).sign();

    private static boolean referenceAccepts(String token) {
        try {
            EXTRACTOR.checkSyntaxOneByOne(token);
            return true;
        } catch (PortcullisException e) {
            return false;
        }
    }

    private static void assertAgree(String token) {
        assertThat(EXTRACTOR.isWellFormed(token)).as("%s", token).isEqualTo(referenceAccepts(token));
    }

    @Provide
    Arbitrary<String> tokenLike() {
        // the base64url alphabet's edges, the dot, padding, standard base64, separators, non-ASCII
        return Arbitraries.strings().withChars("AQgwBCDaqz09-_.=+/ ,\t\u00e9\u0100\u2024\uff0e").ofMinLength(0).ofMaxLength(24);
    }

    @Property(tries = 3000)
    void isWellFormedWhenAnyStringThenSameVerdictAsReference(@ForAll("tokenLike") String token) {
        assertAgree(token);
    }

    @Property(tries = 1000)
    void isWellFormedWhenRealTokenWithOneCharacterChangedThenSameVerdict(@ForAll("position") int at,
                                                                        @ForAll("replacement") char c) {
        int i = at % TOKEN.length();
        assertAgree(TOKEN.substring(0, i) + c + TOKEN.substring(i + 1));
        assertAgree(TOKEN.substring(0, i) + TOKEN.substring(i + 1));
    }

    @Provide
    Arbitrary<Integer> position() {
        return Arbitraries.integers().between(0, 10_000);
    }

    @Provide
    Arbitrary<Character> replacement() {
        return Arbitraries.chars().with("AQgwBDa9-_.=+/ ,\t\u00e9\u0100\u002e");
    }

    @Example
    void isWellFormedWhenAnyCharacterUpTo0x1ffAtAnyPositionOfLongSegmentsThenSameVerdict() {
        // segments of 16 and 12 characters: both the eight-at-a-time words and the tail are hit
        String base = "AAAAAAAAAAAAAAAA.AAAAAAAAAAAA.AAAAAAAAAAAAAAAA";
        for (char c = 0; c < 0x200; c++) {
            for (int i = 0; i < base.length(); i++) {
                assertAgree(base.substring(0, i) + c + base.substring(i + 1));
            }
        }
    }

    @Example
    void isWellFormedWhenRealTokenThenTrueAndHeaderOverLimitThenFalse() {
        assertThat(EXTRACTOR.isWellFormed(TOKEN)).isTrue();
        String longHeader = "A".repeat(88) + TOKEN.substring(TOKEN.indexOf('.'));
        assertThat(EXTRACTOR.isWellFormed(longHeader)).isFalse();
        assertThat(referenceAccepts(longHeader)).isFalse();
        assertThat(EXTRACTOR.isWellFormed("QQ.QQ.QQ")).isTrue();
        assertThat(EXTRACTOR.isWellFormed("QR.QQ.QQ")).isFalse(); // non-canonical last character
    }
}
