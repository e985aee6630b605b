package dev.portcullis.testing;

import org.jose4j.jwk.EcJwkGenerator;
import org.jose4j.jwk.JsonWebKey;
import org.jose4j.jwk.JsonWebKeySet;
import org.jose4j.jwk.OctetKeyPairJsonWebKey;
import org.jose4j.jwk.OkpJwkGenerator;
import org.jose4j.jwk.PublicJsonWebKey;
import org.jose4j.jwk.RsaJwkGenerator;
import org.jose4j.keys.EllipticCurves;
import org.jose4j.lang.JoseException;

import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

/**
 * Signing keys for tests: one RSA 2048, one EC P-256 and one Ed25519 key pair, generated once per
 * JVM (RSA generation is slow), each a jose4j {@link PublicJsonWebKey} with a {@code kid} and the
 * private key, plus helpers to publish them as a JWKS or PEM and to make fresh keys for rotation.
 *
 * <pre>{@code
 * String token = Tokens.signedWith(TestKeys.rsa()).audience("api").sign();
 * jwksServer.serve(TestKeys.rsa(), TestKeys.ec());
 * }</pre>
 *
 * <p>Thread safety: the shared keys are created once by the class-holder idiom and never change.
 */
public final class TestKeys {
    public static final String RSA_KID = "rsa-1";
    public static final String EC_KID = "ec-1";
    public static final String ED25519_KID = "ed-1";
    /** A second RSA key, e.g. the "attacker" key or the next key of a rotation. */
    public static final String OTHER_RSA_KID = "rsa-2";

    private TestKeys() {
    }

    private static final class Holder {
        static final PublicJsonWebKey RSA = newRsa(RSA_KID);
        static final PublicJsonWebKey EC = newEc(EC_KID);
        static final PublicJsonWebKey ED25519 = newEd25519(ED25519_KID);
        static final PublicJsonWebKey OTHER_RSA = newRsa(OTHER_RSA_KID);
    }

    /** The shared RSA 2048 key ({@value #RSA_KID}). */
    public static PublicJsonWebKey rsa() {
        return Holder.RSA;
    }

    /** The shared EC P-256 key ({@value #EC_KID}). */
    public static PublicJsonWebKey ec() {
        return Holder.EC;
    }

    /** The shared Ed25519 key ({@value #ED25519_KID}). */
    public static PublicJsonWebKey ed25519() {
        return Holder.ED25519;
    }

    /** A second shared RSA 2048 key ({@value #OTHER_RSA_KID}), distinct from {@link #rsa()}. */
    public static PublicJsonWebKey otherRsa() {
        return Holder.OTHER_RSA;
    }

    /** A fresh RSA 2048 key pair with the given kid (about 100 ms: prefer the shared keys). */
    public static PublicJsonWebKey newRsa(String kid) {
        try {
            PublicJsonWebKey k = RsaJwkGenerator.generateJwk(2048);
            k.setKeyId(kid);
            return k;
        } catch (JoseException e) {
            throw new IllegalStateException(e);
        }
    }

    /** A fresh EC P-256 key pair with the given kid. */
    public static PublicJsonWebKey newEc(String kid) {
        try {
            PublicJsonWebKey k = EcJwkGenerator.generateJwk(EllipticCurves.P256);
            k.setKeyId(kid);
            return k;
        } catch (JoseException e) {
            throw new IllegalStateException(e);
        }
    }

    /** A fresh Ed25519 key pair with the given kid. */
    public static PublicJsonWebKey newEd25519(String kid) {
        try {
            PublicJsonWebKey k = OkpJwkGenerator.generateJwk(OctetKeyPairJsonWebKey.SUBTYPE_ED25519);
            k.setKeyId(kid);
            return k;
        } catch (JoseException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The public parts of {@code keys} as a JWKS document (private members never included). */
    public static String jwks(PublicJsonWebKey... keys) {
        return jwks(List.of(keys));
    }

    /** The public parts of {@code keys} as a JWKS document. */
    public static String jwks(List<? extends PublicJsonWebKey> keys) {
        List<JsonWebKey> publics = new ArrayList<>();
        for (PublicJsonWebKey k : keys) {
            try {
                publics.add(PublicJsonWebKey.Factory.newPublicJwk(k.toJson(JsonWebKey.OutputControlLevel.PUBLIC_ONLY)));
            } catch (JoseException e) {
                throw new IllegalStateException(e);
            }
        }
        return new JsonWebKeySet(publics).toJson(JsonWebKey.OutputControlLevel.PUBLIC_ONLY);
    }

    /** The public key as a {@code -----BEGIN PUBLIC KEY-----} PEM block. */
    public static String pem(PublicJsonWebKey key) {
        String b64 = Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII))
                .encodeToString(key.getPublicKey().getEncoded());
        return "-----BEGIN PUBLIC KEY-----\n" + b64 + "\n-----END PUBLIC KEY-----\n";
    }

    /** {@code length} random bytes, e.g. an HMAC secret. */
    public static byte[] randomSecret(int length) {
        byte[] b = new byte[length];
        new SecureRandom().nextBytes(b);
        return b;
    }
}
