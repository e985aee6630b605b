package dev.portcullis.cli;

import dev.portcullis.internal.LogText;

/**
 * Text helpers for terminal output of untrusted content.
 *
 * <p>Thread safety: stateless.
 */
final class Text {
    private Text() {
    }

    /**
     * {@code s} with control and other invisible characters replaced by {@code ?} (so that a
     * token cannot send escape sequences to the terminal), cut to {@code max} characters with
     * {@code ...} appended.
     */
    static String printable(String s, int max) {
        return LogText.safe(s, max);
    }
}
