package dev.portcullis.token.internal;

import org.jose4j.jwk.JsonWebKey;
import org.jose4j.jwk.PublicJsonWebKey;
import org.jose4j.lang.JoseException;

import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PublicKey;
import java.security.spec.X509EncodedKeySpec;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Reads {@code -----BEGIN PUBLIC KEY-----} blocks (RSA, EC, Ed25519) into JWKs. */
final class PemKeys {
    private static final Pattern BLOCK = Pattern.compile(
            "-----BEGIN PUBLIC KEY-----([A-Za-z0-9+/=\\s]+)-----END PUBLIC KEY-----");
    private static final String[] KEY_TYPES = {"RSA", "EC", "Ed25519"};

    private PemKeys() {
    }

    static List<JsonWebKey> read(String pem) throws JoseException {
        List<JsonWebKey> keys = new ArrayList<>();
        Matcher m = BLOCK.matcher(pem);
        while (m.find()) {
            byte[] der = Base64.getMimeDecoder().decode(m.group(1));
            PublicJsonWebKey jwk = PublicJsonWebKey.Factory.newPublicJwk(decode(der));
            keys.add(jwk);
        }
        if (keys.isEmpty()) {
            throw new IllegalArgumentException("no PUBLIC KEY block found");
        }
        return keys;
    }

    private static PublicKey decode(byte[] der) {
        for (String type : KEY_TYPES) {
            try {
                return KeyFactory.getInstance(type).generatePublic(new X509EncodedKeySpec(der));
            } catch (GeneralSecurityException e) {
                // try the next key type
            }
        }
        throw new IllegalArgumentException("not an RSA, EC or Ed25519 public key");
    }
}
