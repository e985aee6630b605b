package dev.portcullis.token.internal.dpop;

import java.nio.ByteBuffer;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Duration;
import java.util.Base64;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Stateless DPoP server nonces (RFC 9449 §8): a nonce is the number of the current time window
 * and an HMAC-SHA256 of it under a secret every node shares, so any node accepts any node's nonce
 * without storing it. A nonce of the current or the previous window is accepted (a nonce lives
 * between one and two windows); anything else is answered with {@code use_dpop_nonce} and a fresh
 * one.
 *
 * <p>Thread safety: thread-safe (a {@link Mac} per call).
 */
final class Nonces {
    private static final Base64.Encoder ENCODER = Base64.getUrlEncoder().withoutPadding();
    private static final Base64.Decoder DECODER = Base64.getUrlDecoder();
    private static final int MAC_BYTES = 16;

    private final SecretKeySpec key;
    private final long windowMillis;
    private final Clock clock;

    Nonces(byte[] secret, Duration window, Clock clock) {
        this.key = new SecretKeySpec(secret.clone(), "HmacSHA256");
        this.windowMillis = window.toMillis();
        this.clock = clock;
    }

    /** A nonce for the current window. */
    String current() {
        return of(window());
    }

    /** Whether {@code nonce} is one of this or the previous window. */
    boolean accepts(String nonce) {
        if (nonce == null || nonce.length() != 32) {
            return false;
        }
        byte[] bytes;
        try {
            bytes = DECODER.decode(nonce);
        } catch (IllegalArgumentException e) {
            return false;
        }
        if (bytes.length != 8 + MAC_BYTES) {
            return false;
        }
        long window = ByteBuffer.wrap(bytes, 0, 8).getLong();
        long now = window();
        if (window != now && window != now - 1) {
            return false;
        }
        byte[] expected = DECODER.decode(of(window));
        return MessageDigest.isEqual(bytes, expected);
    }

    private long window() {
        return Math.floorDiv(clock.millis(), windowMillis);
    }

    private String of(long window) {
        byte[] index = ByteBuffer.allocate(8).putLong(window).array();
        byte[] mac;
        try {
            Mac m = Mac.getInstance("HmacSHA256");
            m.init(key);
            mac = m.doFinal(index);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 unavailable", e);
        }
        return ENCODER.encodeToString(ByteBuffer.allocate(8 + MAC_BYTES).put(index).put(mac, 0, MAC_BYTES).array());
    }
}
