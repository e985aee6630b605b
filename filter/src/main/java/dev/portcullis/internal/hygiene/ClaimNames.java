package dev.portcullis.internal.hygiene;

import dev.portcullis.config.ConfigurationException;

import java.util.Collection;
import java.util.List;

/**
 * Claim-name helpers of the hygiene package: the built-in name lists as sets, the checks on
 * configured names, and names made safe for a log line or a terminal.
 *
 * <p>Thread safety: stateless.
 */
final class ClaimNames {
    static final int SANITISED_NAME_LENGTH = 64;

    /** The identity and protocol claims, always allowed. */
    static final List<String> IDENTITY = split(ClaimHygiene.IDENTITY_NAMES);

    private ClaimNames() {
    }

    /** A documented comma-separated name list as a list. */
    static List<String> split(String names) {
        return List.of(names.split(",\\s*"));
    }

    /**
     * A configured claim name: not empty, no whitespace, commas or control characters.
     *
     * @throws ConfigurationException naming {@code setting}
     */
    static String requireName(String setting, String name) {
        if (name == null || name.isEmpty()) {
            throw new ConfigurationException(setting, "claim names must not be empty");
        }
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            if (Character.isWhitespace(c) || Character.isISOControl(c) || c == ',') {
                throw new ConfigurationException(setting, "claim names must not contain "
                        + "whitespace, commas or control characters, was '" + safeName(name) + "'");
            }
        }
        return name;
    }

    /**
     * Claim names made safe for a log line or a terminal: control and other non-printable
     * characters become {@code ?}, and each name is cut to 64 characters.
     */
    static String safeNames(Collection<String> names) {
        StringBuilder sb = new StringBuilder("[");
        for (String n : names) {
            if (sb.length() > 1) {
                sb.append(", ");
            }
            sb.append(safeName(n));
        }
        return sb.append(']').toString();
    }

    /** One claim name made safe for a log line or a terminal (see {@link #safeNames}). */
    static String safeName(String name) {
        int n = Math.min(name.length(), SANITISED_NAME_LENGTH);
        StringBuilder sb = new StringBuilder(n + 3);
        for (int i = 0; i < n; i++) {
            char c = name.charAt(i);
            sb.append(Character.isISOControl(c) || !Character.isDefined(c)
                    || Character.getType(c) == Character.FORMAT ? '?' : c);
        }
        if (name.length() > SANITISED_NAME_LENGTH) {
            sb.append("...");
        }
        return sb.toString();
    }
}
