package dev.portcullis.token.internal.dpop;

import dev.portcullis.PortcullisException;
import dev.portcullis.Reason;

/**
 * A refusal about the sender of a token: its {@code error} belongs on the {@code DPoP} challenge
 * (the request used the {@code DPoP} scheme, or the proof is at fault), and a
 * {@code use_dpop_nonce} refusal carries the fresh nonce for the {@code DPoP-Nonce} header.
 *
 * <p>Thread safety: immutable.
 */
public final class SenderException extends PortcullisException {
    private static final long serialVersionUID = 1L;

    private final boolean dpopChallenge;
    private final String nonce;

    SenderException(Reason reason, String detail, boolean dpopChallenge, String nonce) {
        super(reason, detail);
        this.dpopChallenge = dpopChallenge;
        this.nonce = nonce;
    }

    /** {@code e} (a token refusal) as the answer to a request that used the {@code DPoP} scheme. */
    static SenderException underDpop(PortcullisException e) {
        return e instanceof SenderException ? (SenderException) e
                : new SenderException(e, e.reason());
    }

    private SenderException(PortcullisException e, Reason reason) {
        super(reason, e.getMessage(), null, e.retryAfterSeconds(), e.clientDescription(), e.decisionId());
        this.dpopChallenge = true;
        this.nonce = null;
    }

    /** Whether the challenge's {@code error} goes on the {@code DPoP} challenge rather than {@code Bearer}. */
    public boolean dpopChallenge() {
        return dpopChallenge;
    }

    /** A fresh nonce for the {@code DPoP-Nonce} header, or null. */
    public String nonce() {
        return nonce;
    }
}
