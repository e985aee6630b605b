package dev.portcullis.attributes;

import java.io.Serializable;
import java.util.Objects;

/**
 * The identity of a principal: the token issuer ({@code iss}) and the subject ({@code sub}) it
 * issued. Subjects are only unique per issuer, so both always travel together; the issuer is
 * matched exactly (no normalisation, no wildcard).
 *
 * <p>Thread safety: immutable.
 */
public final class PrincipalKey implements Serializable {
    private static final long serialVersionUID = 1L;

    private final String issuer;
    private final String subject;

    private PrincipalKey(String issuer, String subject) {
        this.issuer = issuer;
        this.subject = subject;
    }

    /**
     * The key for {@code subject} as issued by {@code issuer}.
     *
     * @throws NullPointerException if either is null
     * @throws IllegalArgumentException if either is empty
     */
    public static PrincipalKey of(String issuer, String subject) {
        Objects.requireNonNull(issuer, "issuer");
        Objects.requireNonNull(subject, "subject");
        if (issuer.isEmpty()) {
            throw new IllegalArgumentException("issuer must not be empty");
        }
        if (subject.isEmpty()) {
            throw new IllegalArgumentException("subject must not be empty");
        }
        return new PrincipalKey(issuer, subject);
    }

    /** The issuer ({@code iss}), exactly as in the token. */
    public String issuer() {
        return issuer;
    }

    /** The subject ({@code sub}), exactly as in the token. */
    public String subject() {
        return subject;
    }

    @Override
    public boolean equals(Object o) {
        if (this == o) {
            return true;
        }
        if (!(o instanceof PrincipalKey)) {
            return false;
        }
        PrincipalKey other = (PrincipalKey) o;
        return issuer.equals(other.issuer) && subject.equals(other.subject);
    }

    @Override
    public int hashCode() {
        return 31 * issuer.hashCode() + subject.hashCode();
    }

    @Override
    public String toString() {
        return "PrincipalKey[" + issuer + ", " + subject + "]";
    }
}
