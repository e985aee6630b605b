package dev.portcullis.cli;

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
        int n = Math.min(s.length(), max);
        StringBuilder sb = new StringBuilder(n + 3);
        for (int i = 0; i < n; i++) {
            char c = s.charAt(i);
            boolean invisible = Character.isISOControl(c) || !Character.isDefined(c)
                    || Character.getType(c) == Character.FORMAT
                    || Character.getType(c) == Character.SURROGATE && !validSurrogate(s, i);
            sb.append(invisible ? '?' : c);
        }
        if (s.length() > max) {
            sb.append("...");
        }
        return sb.toString();
    }

    private static boolean validSurrogate(String s, int i) {
        char c = s.charAt(i);
        if (Character.isHighSurrogate(c)) {
            return i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1));
        }
        return i > 0 && Character.isHighSurrogate(s.charAt(i - 1));
    }
}
