package dev.portcullis.internal.audit;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.SplittableRandom;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The decision log's output encodes a batch into its own byte buffer, byte for byte as
 * {@code String.getBytes(UTF_8)} does: ASCII, two- and three-byte characters, surrogate pairs, and
 * lone surrogates (each {@code '?'}), at every position including the last; and the buffer grows
 * for a batch larger than it and is not kept after an outsized one.
 */
class OutputEncodingTest {
    private static final char[] ALPHABET = {'a', 'Z', '0', '"', '\\', '\n', '\u007f', '\u0080', '\u00e9', '\u07ff',
        '\u0800', '\u20ac', '\ud7ff', '\ue000', '\uffff', '\ud83d', '\ude00', '\udbff', '\udc00'};

    @Test
    void encodeWhenAnyTextThenAsGetBytes() {
        Output output = Output.open(Output.STDERR);
        SplittableRandom random = new SplittableRandom(42);
        for (int i = 0; i < 50_000; i++) {
            char[] text = new char[random.nextInt(0, 40)];
            for (int j = 0; j < text.length; j++) {
                text[j] = random.nextInt(4) == 0 ? (char) random.nextInt(0x10000) : ALPHABET[random.nextInt(ALPHABET.length)];
            }
            String s = new String(text);
            int length = output.encode(new StringBuilder(s));
            assertThat(Arrays.copyOf(output.encoded(), length)).as("%s", s.chars().mapToObj(Integer::toHexString).toList())
                    .isEqualTo(s.getBytes(StandardCharsets.UTF_8));
        }
    }

    @Test
    void encodeWhenLargerThanTheBufferThenGrowsAndAWriteGivesItBack() throws Exception {
        Output output = Output.open(Output.STDERR);
        int kept = output.encoded().length;
        String big = "\u20ac".repeat(kept); // three bytes each: three times the buffer
        int length = output.encode(new StringBuilder(big));
        assertThat(length).isEqualTo(3 * kept);
        assertThat(Arrays.copyOf(output.encoded(), length)).isEqualTo(big.getBytes(StandardCharsets.UTF_8));

        String huge = "x".repeat(5 * kept);
        java.io.PrintStream err = System.err;
        System.setErr(new java.io.PrintStream(new java.io.ByteArrayOutputStream(), true, StandardCharsets.UTF_8));
        try {
            output.write(huge + "\n");
        } finally {
            System.setErr(err);
        }
        assertThat(output.encoded().length).as("an outsized batch's buffer is not kept").isEqualTo(kept);
    }
}
