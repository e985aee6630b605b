package dev.portcullis.internal;

/**
 * Makes values that come from a request (paths, query parameters, subjects, issuers, header
 * values) safe to put into a log line or onto a terminal: control, format and unpaired surrogate
 * characters become {@code ?}, so a request cannot forge log lines (CR/LF) or send escape
 * sequences, and long values are cut.
 *
 * <p>Not part of the public API: it may change in any release.
 *
 * <p>Thread safety: stateless.
 */
public final class LogText {
    /** Default length limit of {@link #safe(String)}. */
    public static final int DEFAULT_MAX = 256;

    private LogText() {
    }

    /** {@code value} made safe for a log line and cut to {@value #DEFAULT_MAX} characters; {@code null} stays {@code "null"}. */
    public static String safe(String value) {
        return safe(value, DEFAULT_MAX);
    }

    /**
     * {@code value} with control and other invisible characters replaced by {@code ?}, cut to
     * {@code max} characters with {@code ...} appended.
     */
    public static String safe(String value, int max) {
        if (value == null) {
            return "null";
        }
        int n = Math.min(value.length(), max);
        StringBuilder sb = new StringBuilder(n + 3);
        for (int i = 0; i < n; i++) {
            char c = value.charAt(i);
            boolean invisible = Character.isISOControl(c) || !Character.isDefined(c)
                    || Character.getType(c) == Character.FORMAT
                    || Character.getType(c) == Character.LINE_SEPARATOR
                    || Character.getType(c) == Character.PARAGRAPH_SEPARATOR
                    || Character.getType(c) == Character.SURROGATE && !validSurrogate(value, i);
            sb.append(invisible ? '?' : c);
        }
        if (value.length() > max) {
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
