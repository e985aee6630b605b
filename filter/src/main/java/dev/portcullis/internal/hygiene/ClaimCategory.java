package dev.portcullis.internal.hygiene;

import java.util.Locale;

/**
 * The category a claim name falls into, decided by {@link ClaimHygiene#categoryOf(String)}.
 *
 * <p>Thread safety: immutable.
 */
public enum ClaimCategory {
    /** Protocol and identity claims ({@code iss}, {@code sub}, {@code exp}...): always allowed. */
    IDENTITY,
    /** Claims that carry authorization ({@code roles}, {@code groups}, {@code realm_access}...). */
    AUTHORIZATION,
    /** Claims that carry personal data ({@code email}, {@code name}, {@code phone_number}...). */
    PERSONAL_DATA,
    /** Any other claim: allowed unless the strict allowlist ({@code allow-only}) is on. */
    OTHER;

    private final String label = name().toLowerCase(Locale.ROOT).replace('_', '-');

    /**
     * The lower-case, dash-separated label used in settings, logs and client descriptions, e.g.
     * {@code personal-data}.
     */
    public String label() {
        return label;
    }

    /** The category whose {@link #label()} is {@code label}, or {@code null}. */
    static ClaimCategory fromLabel(String label) {
        for (ClaimCategory c : values()) {
            if (c.label.equals(label)) {
                return c;
            }
        }
        return null;
    }
}
