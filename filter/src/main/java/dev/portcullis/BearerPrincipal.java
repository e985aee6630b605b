package dev.portcullis;

import dev.portcullis.token.VerifiedToken;

import java.security.Principal;
import java.util.Objects;

/**
 * The principal of an authenticated request: its name is the token's subject. The issuer is
 * kept too, since the same subject at two issuers is two principals.
 *
 * <p>Thread safety: immutable.
 */
public final class BearerPrincipal implements Principal {
    private final VerifiedToken token;

    public BearerPrincipal(VerifiedToken token) {
        this.token = Objects.requireNonNull(token, "token");
    }

    @Override
    public String getName() {
        return token.subject();
    }

    public String issuer() {
        return token.issuer();
    }

    /** The verified identity behind this principal. */
    public VerifiedToken token() {
        return token;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof BearerPrincipal
                && ((BearerPrincipal) o).token.subject().equals(token.subject())
                && ((BearerPrincipal) o).token.issuer().equals(token.issuer());
    }

    @Override
    public int hashCode() {
        return token.subject().hashCode() * 31 + token.issuer().hashCode();
    }

    @Override
    public String toString() {
        return "BearerPrincipal[" + token.subject() + " @ " + token.issuer() + "]";
    }
}
