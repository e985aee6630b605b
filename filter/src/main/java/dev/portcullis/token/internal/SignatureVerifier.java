package dev.portcullis.token.internal;

import dev.portcullis.PortcullisException;
import dev.portcullis.Reason;

import org.jose4j.jca.ProviderContext;
import org.jose4j.jwa.AlgorithmConstraints;
import org.jose4j.jwa.AlgorithmFactoryFactory;
import org.jose4j.jwk.JsonWebKey;
import org.jose4j.jwk.PublicJsonWebKey;
import org.jose4j.jwk.VerificationJwkSelector;
import org.jose4j.jws.JsonWebSignature;
import org.jose4j.jws.JsonWebSignatureAlgorithm;
import org.jose4j.keys.HmacKey;
import org.jose4j.lang.JoseException;

import java.nio.charset.StandardCharsets;
import java.security.Key;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collection;
import java.util.List;
import java.util.Set;

/**
 * Verifies the signature of a JWS with the keys of one issuer, under the issuer's algorithm
 * allowlist and the rules each key states about itself:
 *
 * <ul>
 *   <li>a key whose {@code use} is present and not {@code sig}, or whose {@code key_ops} are present
 *       without {@code verify}, never verifies (RFC 7517 §4.2, §4.3);</li>
 *   <li>a key that carries {@code alg} verifies only that algorithm (RFC 7517 §4.4, RFC 8725
 *       §3.1): an RS256 signature never verifies with a key published as {@code "alg":"PS256"};
 *       a token that matches only such keys is refused as {@code disallowed_algorithm};</li>
 *   <li>jose4j then checks the key type, the EC curve against the algorithm and the minimum RSA
 *       (2048 bits) and HMAC (hash size) key lengths.</li>
 * </ul>
 *
 * <p>The token's {@code kid} (and {@code x5t}) select among the issuer's own keys; PEM keys have no
 * {@code kid}, so for them the key type alone selects and the key that verifies wins. An unknown
 * key refreshes the key set once (rate-limited by {@link KeySet#refreshForUnknownKey()}).
 *
 * <p>Used by {@link TokenValidator} both for the filter and for
 * {@code verify-token --signature-only}. Thread safety: thread-safe (each call works on its own
 * {@link JsonWebSignature}).
 */
final class SignatureVerifier {
    private final String issuer;
    private final Set<String> algorithms;
    private final AlgorithmConstraints constraints;
    private final KeySet keys;
    private final Key hmacKey;
    /** PEM keys carry no kid, so the token's kid cannot select among them. */
    private final boolean keysWithoutKid;
    /** The JCA provider for the signature itself ({@link SignatureProvider}). */
    private final SignatureProvider provider;

    /** The key that verified a signature: its {@code kid}, {@code kty} and {@code alg} (each may be null). */
    record UsedKey(String keyId, String keyType, String keyAlgorithm) {
    }

    private static final ProviderContext JDK_PROVIDERS = new ProviderContext();

    /**
     * What the signature check needs of a token, read once: the header values that select the key
     * ({@code alg}, {@code kid}, {@code x5t}, {@code x5t#S256}: strings, as {@link JwsRules#check}
     * made sure), the signing input and the decoded signature. {@code unencodedPayload} is the
     * jose4j object of a token whose header carries {@code b64} (RFC 7797), which only jose4j
     * verifies; otherwise null.
     */
    record Signed(String alg, String kid, String x5t, String x5tS256, byte[] signingInput, byte[] signature,
                  JsonWebSignature unencodedPayload) {
        /** The parts of a token jose4j has parsed. */
        static Signed of(JsonWebSignature jws) {
            String encodedSignature = jws.getEncodedSignature();
            byte[] signature;
            try {
                signature = encodedSignature == null ? new byte[0] : Base64.getUrlDecoder().decode(encodedSignature);
            } catch (IllegalArgumentException e) {
                signature = null; // refused when a key would check it, after the algorithm and key rules
            }
            boolean b64 = jws.getHeaders().getObjectHeaderValue("b64") != null;
            byte[] input = b64 ? null : (jws.getHeaders().getEncodedHeader() + "." + jws.getEncodedPayload())
                    .getBytes(StandardCharsets.US_ASCII);
            return new Signed(jws.getAlgorithmHeaderValue(), jws.getKeyIdHeaderValue(), jws.getHeader("x5t"),
                    jws.getHeader("x5t#S256"), input, signature, b64 ? jws : null);
        }

        /** A jose4j object carrying only the header values key selection reads (no JSON parsed). */
        JsonWebSignature selectionCriteria(boolean algorithmOnly) {
            JsonWebSignature criteria = new JsonWebSignature();
            criteria.setAlgorithmHeaderValue(alg);
            if (!algorithmOnly) {
                if (kid != null) {
                    criteria.setKeyIdHeaderValue(kid);
                }
                if (x5t != null) {
                    criteria.setHeader("x5t", x5t);
                }
                if (x5tS256 != null) {
                    criteria.setHeader("x5t#S256", x5tS256);
                }
            }
            return criteria;
        }
    }

    SignatureVerifier(IssuerConfig config, KeySet keys) {
        this(config, keys, SignatureProvider.jdk());
    }

    SignatureVerifier(IssuerConfig config, KeySet keys, SignatureProvider provider) {
        this.provider = provider;
        this.issuer = config.issuer();
        this.algorithms = config.algorithms();
        this.constraints = new AlgorithmConstraints(AlgorithmConstraints.ConstraintType.PERMIT,
                algorithms.toArray(new String[0]));
        this.keys = keys;
        byte[] secret = config.hmacSecret();
        this.hmacKey = secret == null ? null : new HmacKey(secret);
        this.keysWithoutKid = config.keySource() == IssuerConfig.KeySourceKind.PUBLIC_KEY_FILE;
    }

    /** The key set (null for an HMAC secret). */
    KeySet keys() {
        return keys;
    }

    /** Refuses an algorithm outside the issuer's allowlist as {@code disallowed_algorithm}. */
    void checkAlgorithm(String alg) throws PortcullisException {
        if (!algorithms.contains(alg)) {
            throw new PortcullisException(Reason.DISALLOWED_ALGORITHM,
                    "algorithm '" + TokenValidator.abbreviate(alg) + "' not allowed for " + issuer);
        }
    }

    /**
     * Verifies the signature of {@code jws}, whose header has passed {@link JwsRules#check}.
     *
     * @return the key that verified it
     * @throws PortcullisException {@code disallowed_algorithm}, {@code unknown_key},
     *         {@code bad_signature}, or {@code keys_unavailable}
     */
    UsedKey verify(JsonWebSignature jws) throws PortcullisException {
        jws.setAlgorithmConstraints(constraints);
        return verify(Signed.of(jws));
    }

    /**
     * Verifies the signature of a token read once ({@link Signed}), whose header has passed
     * {@link JwsRules#check}: the same rules as {@link #verify(JsonWebSignature)}.
     */
    UsedKey verify(Signed jws) throws PortcullisException {
        String alg = jws.alg();
        checkAlgorithm(alg);
        if (hmacKey != null) {
            if (verifies(jws, hmacKey)) {
                return new UsedKey(null, "oct", null);
            }
            throw new PortcullisException(Reason.BAD_SIGNATURE, "signature does not verify");
        }
        List<JsonWebKey> candidates = select(jws, alg, keys.current(), false);
        if (candidates.isEmpty()) {
            // an unknown key, or one pinned to another algorithm: the issuer may have rotated its
            // keys since they were fetched (a refresh is rate-limited and single-flight)
            candidates = select(jws, alg, keys.refreshForUnknownKey(), true);
        }
        if (candidates.isEmpty()) {
            throw new PortcullisException(Reason.UNKNOWN_KEY, "no key of " + issuer + " matches kid "
                    + TokenValidator.abbreviate(String.valueOf(jws.kid())));
        }
        PortcullisException unusable = null;
        for (JsonWebKey candidate : candidates) {
            // Several keys may match (duplicate kids, or no kid): the one that verifies wins.
            try {
                if (verifies(jws, key(candidate))) {
                    return new UsedKey(candidate.getKeyId(), candidate.getKeyType(), candidate.getAlgorithm());
                }
            } catch (PortcullisException e) {
                unusable = e; // a key jose4j refuses for this algorithm (size, curve): try the next
            }
        }
        if (unusable != null && candidates.size() == 1) {
            throw unusable;
        }
        throw new PortcullisException(Reason.BAD_SIGNATURE,
                candidates.size() == 1 ? "signature does not verify" : "no candidate key verifies");
    }

    /**
     * jose4j's {@code JsonWebSignature.verifySignature} on parts read once: the algorithm constraint,
     * the key checks, then the signature of exactly its algorithm's length (through the configured
     * provider, else jose4j on the JDK).
     */
    private boolean verifies(Signed jws, Key key) throws PortcullisException {
        try {
            constraints.checkConstraint(jws.alg());
            JsonWebSignatureAlgorithm algorithm = AlgorithmFactoryFactory.getInstance().getJwsAlgorithmFactory()
                    .getAlgorithm(jws.alg());
            algorithm.validateVerificationKey(key);
            if (jws.signature() == null) {
                return false; // not base64url: no key verifies it
            }
            if (!SignatureProvider.hasExactLength(jws.alg(), algorithm, key, jws.signature().length)) {
                return false;
            }
            if (jws.unencodedPayload() != null) {
                jws.unencodedPayload().setKey(key);
                return jws.unencodedPayload().verifySignature();
            }
            Boolean verdict = provider.verify(jws.alg(), algorithm, key, jws.signingInput(), jws.signature());
            return verdict != null ? verdict
                    : algorithm.verifySignature(jws.signature(), key, jws.signingInput(), JDK_PROVIDERS);
        } catch (JoseException e) {
            throw new PortcullisException(Reason.BAD_SIGNATURE, "verification failed: " + e.getMessage());
        }
    }

    private static Key key(JsonWebKey jwk) {
        return jwk instanceof PublicJsonWebKey ? ((PublicJsonWebKey) jwk).getPublicKey() : jwk.getKey();
    }

    /**
     * The keys that may verify {@code jws}: selected by kid, x5t and key type among the keys that
     * allow verification and that are not pinned to another algorithm.
     *
     * @param last whether this is the last attempt (after a refresh)
     * @return the candidates; empty when no key matches (before the last attempt, also when the
     *         matching keys are all pinned to another algorithm)
     * @throws PortcullisException on the last attempt, {@code disallowed_algorithm} when keys match
     *         but every one of them is pinned to another algorithm
     */
    private List<JsonWebKey> select(Signed jws, String alg, Collection<JsonWebKey> available,
                                    boolean last) throws PortcullisException {
        List<JsonWebKey> verifying = new ArrayList<>();
        List<JsonWebKey> pinned = new ArrayList<>();
        for (JsonWebKey k : available) {
            if (!allowsVerification(k)) {
                continue;
            }
            verifying.add(k);
            if (k.getAlgorithm() == null || k.getAlgorithm().equals(alg)) {
                pinned.add(k);
            }
        }
        try {
            // PEM keys: select by algorithm (key type and curve) only; the candidates loop then finds
            // the key that verifies. Otherwise every token with a kid would be an unknown key.
            JsonWebSignature criteria = jws.selectionCriteria(keysWithoutKid);
            VerificationJwkSelector selector = new VerificationJwkSelector();
            List<JsonWebKey> candidates = new ArrayList<>(selector.selectList(criteria, pinned));
            if (last && candidates.isEmpty() && pinned.size() < verifying.size()) {
                List<JsonWebKey> otherAlgorithm = selector.selectList(criteria, verifying);
                if (!otherAlgorithm.isEmpty()) {
                    JsonWebKey k = otherAlgorithm.get(0);
                    throw new PortcullisException(Reason.DISALLOWED_ALGORITHM, "key "
                            + TokenValidator.abbreviate(String.valueOf(k.getKeyId())) + " of " + issuer
                            + " is published for " + TokenValidator.abbreviate(k.getAlgorithm())
                            + ", not for the token's " + TokenValidator.abbreviate(alg));
                }
            }
            return candidates;
        } catch (JoseException e) {
            throw new PortcullisException(Reason.UNKNOWN_KEY, "key selection failed: " + e.getMessage());
        }
    }

    /**
     * RFC 7517 §4.2 and §4.3: a key published for encryption ({@code use} other than {@code sig}) or
     * whose {@code key_ops} do not include {@code verify} must not verify signatures.
     */
    static boolean allowsVerification(JsonWebKey k) {
        String use = k.getUse();
        if (use != null && !use.equals("sig")) {
            return false;
        }
        List<String> ops = k.getKeyOps();
        return ops == null || ops.contains("verify");
    }
}
