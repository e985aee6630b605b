package dev.portcullis.token.internal;

import dev.portcullis.config.ConfigurationException;
import dev.portcullis.config.SettingNames;

import org.jose4j.jws.EcdsaUsingShaAlgorithm;
import org.jose4j.jws.JsonWebSignatureAlgorithm;
import org.jose4j.keys.EllipticCurves;
import org.jose4j.lang.JoseException;

import java.io.IOException;
import java.math.BigInteger;
import java.security.InvalidKeyException;
import java.security.Key;
import java.security.NoSuchAlgorithmException;
import java.security.Provider;
import java.security.PublicKey;
import java.security.Security;
import java.security.Signature;
import java.security.SignatureException;
import java.security.interfaces.EdECPublicKey;
import java.util.Locale;
import java.util.Map;

/**
 * The JCA provider that verifies signatures ({@value SettingNames#CRYPTO_PROVIDER}): the JDK's own
 * providers, or a named one such as the Amazon Corretto Crypto Provider (ACCP), whose native code
 * verifies ES256 and EdDSA an order of magnitude faster than the JDK (BENCHMARKS.md).
 *
 * <ul>
 *   <li>{@code auto} (default): ACCP when its jar is on the class path and its native library
 *       loads, else the JDK;</li>
 *   <li>{@code jdk}: the JDK's providers, whatever the class path holds;</li>
 *   <li>a provider name: that provider, looked up among the registered ones (or ACCP by its name
 *       {@code AmazonCorrettoCryptoProvider}, which need not be registered); absent, startup fails
 *       with a {@link ConfigurationException} naming the setting.</li>
 * </ul>
 *
 * <p>The provider is never installed in the JVM ({@link Security#insertProviderAt} would change every
 * other library's choices and pin this class loader after an undeploy): it is handed to
 * {@link Signature#getInstance(String, Provider)} for the RSA PKCS#1 ({@code RS*}), ECDSA
 * ({@code ES256/384/512}) and Ed25519 checks. Everything else around the signature stays jose4j's and
 * runs first: the algorithm constraints, the key checks ({@code validateVerificationKey}: key type,
 * curve, RSA size), and for ECDSA the same length and {@code r, s mod n != 0} checks jose4j makes
 * before converting the JOSE signature to DER. Algorithms the provider does not offer (and PS*,
 * HS*, Ed448) are verified by jose4j on the JDK, as without a provider.
 *
 * <p>Thread safety: immutable; each verification gets its own {@link Signature}.
 */
final class SignatureProvider {
    /** The setting's default: ACCP when present, else the JDK. */
    static final String AUTO = "auto";
    /** The setting's value for the JDK's providers. */
    static final String JDK = "jdk";
    static final String ACCP_NAME = "AmazonCorrettoCryptoProvider";
    private static final String ACCP_CLASS = "com.amazon.corretto.crypto.provider.AmazonCorrettoCryptoProvider";
    /** JWS algorithm to the provider's signature name, for the algorithms a provider may take over. */
    private static final Map<String, String> JAVA_NAMES = Map.of(
            "RS256", "SHA256withRSA", "RS384", "SHA384withRSA", "RS512", "SHA512withRSA",
            "ES256", "SHA256withECDSA", "ES384", "SHA384withECDSA", "ES512", "SHA512withECDSA",
            "EdDSA", "Ed25519");

    private static final SignatureProvider JDK_PROVIDER = new SignatureProvider(null);

    /** Null for the JDK's providers (jose4j's own path). */
    private final Provider provider;

    private SignatureProvider(Provider provider) {
        this.provider = provider;
    }

    /** The JDK's providers, through jose4j alone. */
    static SignatureProvider jdk() {
        return JDK_PROVIDER;
    }

    /**
     * The provider a value of {@value SettingNames#CRYPTO_PROVIDER} names.
     *
     * @throws ConfigurationException naming the setting when a named provider is absent or cannot load
     */
    static SignatureProvider of(String setting) {
        String value = setting == null ? AUTO : setting.trim();
        if (value.isEmpty() || value.toLowerCase(Locale.ROOT).equals(AUTO)) {
            Provider accp = loadAccp();
            return accp == null ? JDK_PROVIDER : new SignatureProvider(accp);
        }
        if (value.toLowerCase(Locale.ROOT).equals(JDK)) {
            return JDK_PROVIDER;
        }
        Provider named = Security.getProvider(value);
        if (named == null && value.equals(ACCP_NAME)) {
            named = loadAccp();
        }
        if (named == null) {
            throw new ConfigurationException(SettingNames.CRYPTO_PROVIDER, SettingNames.CRYPTO_PROVIDER + " names the JCA provider '"
                    + value + "', which is neither registered nor loadable (for " + ACCP_NAME
                    + ", add software.amazon.cryptools:AmazonCorrettoCryptoProvider with the classifier of this platform)");
        }
        return new SignatureProvider(named);
    }

    /** ACCP's instance when its class is present and its native library loaded, else null. */
    private static Provider loadAccp() {
        try {
            Class<?> type = Class.forName(ACCP_CLASS, true, SignatureProvider.class.getClassLoader());
            Provider accp = (Provider) type.getField("INSTANCE").get(null);
            Object loadingError = type.getMethod("getLoadingError").invoke(accp);
            return loadingError == null ? accp : null;
        } catch (ReflectiveOperationException | LinkageError | RuntimeException e) {
            return null; // not on the class path, or no native library for this platform
        }
    }

    /**
     * Whether the signature has the one length its algorithm defines, checked before any provider
     * sees it (the JDK's and the native ones alike): ECDSA exactly the curve's {@code R || S} (RFC 7518
     * §3.4: 64 octets for ES256; jose4j alone takes shorter ones), Ed25519 exactly 64 and Ed448 114
     * octets (RFC 8032 §5.1.7; JDK 17 reads {@code S} from whatever follows {@code R}, so a zero
     * byte appended to a valid signature verified). A different length could let many strings
     * stand for one signed token.
     */
    static boolean hasExactLength(String alg, JsonWebSignatureAlgorithm algorithm, Key key, int length) {
        if (alg.equals("EdDSA")) {
            if (key instanceof EdECPublicKey) {
                String curve = ((EdECPublicKey) key).getParams().getName();
                return length == (curve.equalsIgnoreCase("Ed448") ? 114 : 64);
            }
            return true; // not an EdDSA key: jose4j's key check refuses it
        }
        if (algorithm instanceof EcdsaUsingShaAlgorithm) {
            BigInteger order = EllipticCurves.getSpec(((EcdsaUsingShaAlgorithm) algorithm).getCurveName()).getOrder();
            return length == 2 * ((order.bitLength() + 7) / 8);
        }
        return true;
    }

    /** Whether this provider, not the JDK, verifies {@code alg} (for tests and the startup log). */
    boolean verifies(String alg) {
        String javaName = JAVA_NAMES.get(alg);
        return provider != null && javaName != null && provider.getService("Signature", javaName) != null;
    }

    /** The provider's name, or {@code jdk}. */
    String name() {
        return provider == null ? JDK : provider.getName();
    }

    /**
     * Verifies a signature with {@code key} through this provider. The caller has made jose4j's
     * checks: the algorithm constraint and {@code algorithm.validateVerificationKey(key)}.
     *
     * @param alg the token's {@code alg}
     * @param algorithm jose4j's algorithm for it
     * @param signingInput the ASCII bytes of {@code header.payload} as they came
     * @param signature the decoded signature
     * @return the verdict, or null when this provider does not take the algorithm or key: the caller
     *         then verifies with jose4j on the JDK
     * @throws JoseException for a key the provider cannot use
     */
    Boolean verify(String alg, JsonWebSignatureAlgorithm algorithm, Key key, byte[] signingInput, byte[] signature)
            throws JoseException {
        if (provider == null) {
            return null;
        }
        String javaName = JAVA_NAMES.get(alg);
        if (javaName == null) {
            return null;
        }
        if (alg.equals("EdDSA") && !(key instanceof EdECPublicKey
                && ((EdECPublicKey) key).getParams().getName().equalsIgnoreCase("Ed25519"))) {
            return null; // Ed448: the JDK
        }
        Signature verifier;
        try {
            verifier = Signature.getInstance(javaName, provider);
        } catch (NoSuchAlgorithmException e) {
            return null; // the provider does not offer it: the JDK
        }
        byte[] signatureBytes = signature;
        if (algorithm instanceof EcdsaUsingShaAlgorithm) {
            signatureBytes = ecdsaToDer((EcdsaUsingShaAlgorithm) algorithm, signature);
            if (signatureBytes == null) {
                return false;
            }
        }
        try {
            verifier.initVerify((PublicKey) key);
        } catch (InvalidKeyException | ClassCastException e) {
            throw new org.jose4j.lang.InvalidKeyException("key not usable with " + name() + " for " + alg + ": " + e.getMessage(), e);
        }
        try {
            verifier.update(signingInput);
            return verifier.verify(signatureBytes);
        } catch (SignatureException e) {
            return false; // as jose4j: a signature the provider cannot even parse does not verify
        }
    }

    /**
     * The checks jose4j's {@code EcdsaUsingShaAlgorithm.verifySignature} makes before it hands a
     * signature to the JDK: at most the curve's {@code R || S} length, neither half 0 modulo the
     * group order; then the same DER conversion.
     *
     * @return the DER signature, or null when it cannot verify
     */
    private static byte[] ecdsaToDer(EcdsaUsingShaAlgorithm algorithm, byte[] concatenated) throws JoseException {
        BigInteger order = EllipticCurves.getSpec(algorithm.getCurveName()).getOrder();
        int half = (order.bitLength() + 7) / 8;
        if (concatenated.length != 2 * half) {
            return null;
        }
        int mid = concatenated.length / 2;
        BigInteger r = new BigInteger(1, java.util.Arrays.copyOfRange(concatenated, 0, mid));
        BigInteger s = new BigInteger(1, java.util.Arrays.copyOfRange(concatenated, mid, concatenated.length));
        if (r.mod(order).signum() == 0 || s.mod(order).signum() == 0) {
            return null;
        }
        try {
            return EcdsaUsingShaAlgorithm.convertConcatenatedToDer(concatenated);
        } catch (IOException e) {
            throw new JoseException("Unable to convert R and S as a concatenated byte array to DER encoding.", e);
        }
    }

}
