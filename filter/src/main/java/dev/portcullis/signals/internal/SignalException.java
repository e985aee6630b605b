package dev.portcullis.signals.internal;

/**
 * Why a SET or logout token was refused, with the error code answered: RFC 8935 §2.4
 * ({@code invalid_request}, {@code invalid_key}, {@code invalid_issuer}, {@code invalid_audience},
 * {@code authentication_failed}, {@code access_denied}); the back-channel logout endpoint answers
 * every refusal as {@code invalid_request} (OIDC BCL 1.0 §2.8). The message is for the log only.
 *
 * <p>Thread safety: immutable.
 */
final class SignalException extends Exception {
    private static final long serialVersionUID = 1L;

    static final String INVALID_REQUEST = "invalid_request";
    static final String INVALID_KEY = "invalid_key";
    static final String INVALID_ISSUER = "invalid_issuer";
    static final String INVALID_AUDIENCE = "invalid_audience";
    static final String AUTHENTICATION_FAILED = "authentication_failed";
    /** Not an RFC 8935 code: the shared replay cache cannot be asked; answered 503, the transmitter retries. */
    static final String UNAVAILABLE = "temporarily_unavailable";

    private final String code;

    SignalException(String code, String detail) {
        super(detail, null, false, false);
        this.code = code;
    }

    /** The RFC 8935 error code. */
    String code() {
        return code;
    }
}
