package dev.portcullis.token.internal.dpop;

import dev.portcullis.PortcullisException;
import dev.portcullis.Reason;
import dev.portcullis.token.VerifiedToken;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.cert.CertificateEncodingException;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Sender-constrained tokens, the engine's one place for them: DPoP (RFC 9449) and
 * certificate-bound tokens (RFC 8705 §3).
 *
 * <ul>
 *   <li>{@link #presented}: the {@code DPoP} authorization scheme is read as the token's scheme
 *       (when some issuer accepts DPoP), so the one bearer-token extractor checks the token's
 *       syntax and size for both schemes.</li>
 *   <li>{@link #check}, after the token is verified (or found in the token cache), on every
 *       request: a token with {@code cnf.x5t#S256} only with that TLS client certificate; under
 *       the {@code DPoP} scheme the issuer must allow DPoP, the token must carry {@code cnf.jkt}
 *       and the proof must verify ({@link ProofVerifier}); under {@code Bearer} the token must not
 *       carry {@code cnf.jkt} and its issuer must not require DPoP.</li>
 *   <li>{@link #bearerAccepted} and {@link #dpopAlgs}: what the {@code WWW-Authenticate}
 *       challenges offer (RFC 9449 §7.1).</li>
 * </ul>
 *
 * <pre>{@code
 * SenderConstraints senders = SenderSettings.of(settings, issuers, clock);
 * Presented p = senders.presented(authorizationHeaders);
 * String token = extractor.extract(p.headers, queryTokens);
 * senders.check(p.dpop, verified, token, method, url, dpopHeaders, clientCertificate);
 * }</pre>
 *
 * <p>Thread safety: thread-safe; {@link #close()} closes the replay cache.
 */
public final class SenderConstraints implements AutoCloseable {
    private static final Base64.Encoder B64 = Base64.getUrlEncoder().withoutPadding();

    private final Map<String, DpopMode> modes;
    private final boolean anyDpop;
    private final boolean bearerAccepted;
    private final ProofVerifier proofs;
    private final ReplayCache replays;
    private final ExternalUrl externalUrl;

    SenderConstraints(Map<String, DpopMode> modes, ProofVerifier proofs, ReplayCache replays,
                      ExternalUrl externalUrl) {
        this.modes = Map.copyOf(modes);
        this.anyDpop = modes.values().stream().anyMatch(m -> m != DpopMode.OFF);
        this.bearerAccepted = modes.values().stream().anyMatch(m -> m != DpopMode.REQUIRED);
        this.proofs = proofs;
        this.replays = replays;
        this.externalUrl = externalUrl;
    }

    /** Without DPoP for any issuer (certificate-bound tokens are still checked). */
    public static SenderConstraints none() {
        return new SenderConstraints(Map.of(), null, null, ExternalUrl.NONE);
    }

    /** The {@code Authorization} values as the extractor reads them, and whether the scheme was {@code DPoP}. */
    public static final class Presented {
        public final List<String> headers;
        public final boolean dpop;

        Presented(List<String> headers, boolean dpop) {
            this.headers = headers;
            this.dpop = dpop;
        }
    }

    /**
     * Reads a {@code DPoP} scheme as the token's scheme; any other value is left to the extractor.
     *
     * @throws PortcullisException {@code invalid_request} for a {@code DPoP} scheme with a broken separator
     */
    public Presented presented(List<String> authorization) throws PortcullisException {
        if (!anyDpop || authorization.size() != 1 || authorization.get(0) == null) {
            return new Presented(authorization, false);
        }
        String header = authorization.get(0);
        if (header.length() < 4 || !header.regionMatches(true, 0, "dpop", 0, 4)) {
            return new Presented(authorization, false);
        }
        if (header.length() == 4 || header.charAt(4) != ' ') {
            throw new SenderException(Reason.INVALID_REQUEST, "malformed DPoP credentials", true, null);
        }
        List<String> asBearer = new ArrayList<>(1);
        asBearer.add("Bearer" + header.substring(4));
        return new Presented(asBearer, true);
    }

    /**
     * Checks the token's sender constraints for this request.
     *
     * @param rawToken the token as presented; read only under the {@code DPoP} scheme (the proof's
     *        {@code ath}), so it may be null under {@code Bearer}
     * @param url the request URL as the container sees it (scheme, host, port, raw path), or null
     * @throws PortcullisException a {@link SenderException} saying why the sender is refused
     */
    public void check(boolean dpopScheme, VerifiedToken token, String rawToken, String method, String url,
                      List<String> dpopHeaders, X509Certificate clientCertificate) throws PortcullisException {
        Object cnf = token.claims().get("cnf");
        if (cnf != null && !(cnf instanceof Map)) {
            throw new SenderException(Reason.INVALID_CLAIMS, "cnf is not an object", dpopScheme, null);
        }
        Map<?, ?> confirmation = cnf == null ? Map.of() : (Map<?, ?>) cnf;
        Object x5t = confirmation.get("x5t#S256");
        if (x5t != null) {
            checkCertificate(x5t, clientCertificate, dpopScheme);
        }
        Object jkt = confirmation.get("jkt");
        if (jkt != null && !(jkt instanceof String)) {
            throw new SenderException(Reason.INVALID_CLAIMS, "cnf.jkt is not a string", dpopScheme, null);
        }
        DpopMode mode = modes.getOrDefault(token.issuer(), DpopMode.OFF);
        if (!dpopScheme) {
            if (jkt != null) {
                throw new SenderException(Reason.BOUND_TOKEN_AS_BEARER, "token with cnf.jkt presented as Bearer",
                        false, null);
            }
            if (mode == DpopMode.REQUIRED) {
                throw new SenderException(Reason.DPOP_REQUIRED, "issuer requires DPoP; token presented as Bearer",
                        false, null);
            }
            return;
        }
        if (mode == DpopMode.OFF) {
            throw new SenderException(Reason.UNBOUND_TOKEN, "issuer does not use DPoP", true, null);
        }
        if (jkt == null) {
            throw new SenderException(Reason.UNBOUND_TOKEN, "DPoP scheme for a token without cnf.jkt", true, null);
        }
        proofs.verify(dpopHeaders, method, externalUrl.apply(url), rawToken, (String) jkt);
    }

    private static void checkCertificate(Object x5t, X509Certificate certificate, boolean dpopScheme)
            throws SenderException {
        if (!(x5t instanceof String)) {
            throw new SenderException(Reason.INVALID_CLAIMS, "cnf.x5t#S256 is not a string", dpopScheme, null);
        }
        if (certificate == null) {
            throw new SenderException(Reason.CERTIFICATE_MISMATCH, "certificate-bound token without a TLS client"
                    + " certificate", dpopScheme, null);
        }
        byte[] thumbprint;
        try {
            thumbprint = B64.encode(MessageDigest.getInstance("SHA-256").digest(certificate.getEncoded()));
        } catch (CertificateEncodingException | NoSuchAlgorithmException e) {
            throw new SenderException(Reason.CERTIFICATE_MISMATCH, "client certificate cannot be encoded",
                    dpopScheme, null);
        }
        if (!MessageDigest.isEqual(thumbprint, ((String) x5t).getBytes(StandardCharsets.UTF_8))) {
            throw new SenderException(Reason.CERTIFICATE_MISMATCH, "cnf.x5t#S256 does not match the client"
                    + " certificate", dpopScheme, null);
        }
    }

    /** A refusal of the token itself under the {@code DPoP} scheme: its error goes on the DPoP challenge. */
    public static PortcullisException underScheme(PortcullisException e, boolean dpopScheme) {
        return dpopScheme ? SenderException.underDpop(e) : e;
    }

    /** Whether some issuer accepts Bearer tokens (not every issuer requires DPoP). */
    public boolean bearerAccepted() {
        return !anyDpop || bearerAccepted;
    }

    /** The {@code algs} of the DPoP challenge, or null when no issuer accepts DPoP. */
    public String dpopAlgs() {
        return anyDpop ? proofs.algs() : null;
    }

    /** The DPoP mode of an issuer. */
    public DpopMode mode(String issuer) {
        return modes.getOrDefault(issuer, DpopMode.OFF);
    }

    /** Whether the replay cache is shared through the cluster. */
    public boolean sharedReplayCache() {
        return replays != null && replays.isClustered();
    }

    @Override
    public void close() {
        if (replays != null) {
            replays.close();
        }
    }

    @Override
    public String toString() {
        return "SenderConstraints[" + modes.toString().toLowerCase(Locale.ROOT) + "]";
    }
}
