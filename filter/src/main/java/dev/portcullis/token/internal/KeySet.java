package dev.portcullis.token.internal;

import dev.portcullis.PortcullisException;

import org.jose4j.jwk.JsonWebKey;

import java.util.List;

/** The verification keys of one issuer. Implementations are thread-safe. */
interface KeySet {
    /** The keys to verify with now; may fetch them the first time. */
    List<JsonWebKey> current() throws PortcullisException;

    /**
     * Called when no key matches a token's {@code kid}: refreshes the keys if the rate limit
     * allows, and returns the keys to retry with.
     */
    List<JsonWebKey> refreshForUnknownKey() throws PortcullisException;

    /** Static key sets never change. */
    static KeySet of(List<JsonWebKey> keys) {
        List<JsonWebKey> copy = List.copyOf(keys);
        return new KeySet() {
            @Override
            public List<JsonWebKey> current() {
                return copy;
            }

            @Override
            public List<JsonWebKey> refreshForUnknownKey() {
                return copy;
            }
        };
    }
}
