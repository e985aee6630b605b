package dev.portcullis.token.internal;

import dev.portcullis.PortcullisException;
import dev.portcullis.Reason;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

/** The size gate runs before any scan of the header: an 8 KiB header is refused for its size alone. */
class SizeGateTest {
    private final BearerTokenExtractor extractor = BearerTokenExtractor.builder().build();

    private Reason reason(String header) {
        PortcullisException e = catchThrowableOfType(PortcullisException.class,
                () -> extractor.extract(List.of(header), List.of()));
        assertThat(e).as("should be refused").isNotNull();
        return e.reason();
    }

    private static String repeat(String unit, int length) {
        StringBuilder b = new StringBuilder();
        while (b.length() < length) {
            b.append(unit);
        }
        return b.substring(0, length);
    }

    @Test
    void extractWhenEightKibTokenThenTooLarge() {
        assertThat(reason("Bearer " + repeat("abcd", 8192))).isEqualTo(Reason.TOKEN_TOO_LARGE);
    }

    @Test
    void extractWhenOversizedHeaderHoldsTwoTokensThenTooLargeFirst() {
        assertThat(reason("Bearer " + repeat("abcd", 4000) + " " + repeat("abcd", 4000)))
                .isEqualTo(Reason.TOKEN_TOO_LARGE);
    }

    @Test
    void extractWhenTokenAtTheLimitThenSyntaxChecked() throws PortcullisException {
        // the last segment ends in 'A' so that its unused trailing bits are zero (canonical base64url)
        String token = repeat("a", 1000) + "." + repeat("b", 2000) + "." + repeat("c", 4096 - 3003) + "A";
        assertThat(token).hasSize(4096);
        assertThat(extractor.extract(List.of("Bearer " + token), List.of())).isEqualTo(token);
        assertThat(reason("Bearer " + token + "d")).isEqualTo(Reason.TOKEN_TOO_LARGE);
    }

    @Test
    void extractWhenSmallHeaderHoldsTwoTokensThenInvalidRequest() {
        assertThat(reason("Bearer aaaa.bbbb.cccc dddd.eeee.ffff")).isEqualTo(Reason.INVALID_REQUEST);
    }

    @Test
    void extractWhenNonAsciiCharacterThenMalformed() {
        assertThat(reason("Bearer aaaa.bb\u00e9b.cccc")).isEqualTo(Reason.MALFORMED_TOKEN);
        assertThat(reason("Bearer aaaa.bb\u0100b.cccc")).isEqualTo(Reason.MALFORMED_TOKEN);
    }
}
