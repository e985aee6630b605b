package dev.portcullis.token.internal;

import dev.portcullis.config.SettingNames;
import dev.portcullis.config.ConfigurationException;
import org.jose4j.jwk.JsonWebKey;
import org.jose4j.lang.JoseException;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;

/**
 * The issuers a {@link TokenValidator} trusts, each with its key set (a remote JWKS or discovery
 * document, a JWKS or PEM file, or an HMAC secret) and its {@link SignatureVerifier}, built once;
 * and the routing of a token to its issuer by {@code iss}. Never a key the token brings.
 *
 * <p>Thread safety: immutable after construction (the remote key sets are thread-safe).
 */
final class IssuerKeys {
    private final Map<String, IssuerVerifier> byIssuer;
    private final List<IssuerConfig> configs;

    IssuerKeys(List<IssuerConfig> configs, HttpFetcher fetcher, TokenValidator.Builder b) {
        Map<String, IssuerVerifier> map = new HashMap<>();
        for (IssuerConfig config : configs) {
            map.put(config.issuer(), new IssuerVerifier(config, keySet(config, fetcher, b), b.signatureProvider));
        }
        this.byIssuer = Map.copyOf(map);
        this.configs = List.copyOf(configs);
    }

    /** The configured issuers, by {@code iss}. */
    Set<String> names() {
        return byIssuer.keySet();
    }

    /** The configured issuers, in the order they were added. */
    List<IssuerConfig> configs() {
        return configs;
    }

    /** The issuer an {@code iss} value names, or null when it names none (or is not a string). */
    IssuerVerifier of(Object iss) {
        return iss instanceof String ? byIssuer.get(iss) : null;
    }

    /** The single issuer, or null when several are configured. */
    IssuerVerifier only() {
        return byIssuer.size() == 1 ? byIssuer.values().iterator().next() : null;
    }

    /** HTTP fetches of keys made so far for an issuer (0 for local keys). */
    long keyFetchCount(String issuer) {
        IssuerVerifier v = byIssuer.get(issuer);
        return v != null && v.signature.keys() instanceof RemoteJwks ? ((RemoteJwks) v.signature.keys()).fetchCount() : 0;
    }

    /** Each issuer's key status, in configuration order (with {@code refresh}, missing or expired keys are fetched first). */
    List<IssuerKeyStatus> status(boolean refresh) {
        List<IssuerKeyStatus> out = new java.util.ArrayList<>(configs.size());
        for (IssuerConfig config : configs) {
            KeySet keys = byIssuer.get(config.issuer()).signature.keys();
            out.add(keys instanceof RemoteJwks ? ((RemoteJwks) keys).status(refresh) : IssuerKeyStatus.local(config.issuer()));
        }
        return out;
    }

    private static KeySet keySet(IssuerConfig config, HttpFetcher fetcher, TokenValidator.Builder b) {
        Consumer<Set<String>> removed = kids -> b.keysRemovedListener.accept(config.issuer(), kids);
        switch (config.keySource()) {
            case JWKS_URI:
                return new RemoteJwks(config.issuer(), config.keyUri(), false, fetcher, b.clock, b.jwksTtl,
                        b.jwksRefreshInterval, b.jwksStaleIfError, removed);
            case DISCOVERY_URI:
                return new RemoteJwks(config.issuer(), config.keyUri(), true, fetcher, b.clock, b.jwksTtl,
                        b.jwksRefreshInterval, b.jwksStaleIfError, removed);
            case JWKS_FILE:
            case PUBLIC_KEY_FILE:
                return fileKeys(config);
            case HMAC_SECRET:
            default:
                return null;
        }
    }

    /**
     * Reads the keys of a JWKS or PEM file key source.
     *
     * @throws IllegalArgumentException naming the file when it cannot be read or holds no usable key
     */
    static KeySet fileKeys(IssuerConfig config) {
        switch (config.keySource()) {
            case JWKS_FILE:
                try {
                    List<JsonWebKey> keys = RemoteJwks.parse(Files.readString(config.keyFile(), StandardCharsets.UTF_8));
                    if (keys.isEmpty()) {
                        throw new JoseException("no public signature key in the set");
                    }
                    return KeySet.of(keys);
                } catch (IOException | JoseException | RuntimeException e) {
                    throw new ConfigurationException(SettingNames.JWKS_FILE, "cannot read JWKS file " + config.keyFile() + ": " + e.getMessage(), e);
                }
            case PUBLIC_KEY_FILE:
                try {
                    return KeySet.of(PemKeys.read(Files.readString(config.keyFile(), StandardCharsets.US_ASCII)));
                } catch (IOException | JoseException | RuntimeException e) {
                    throw new ConfigurationException(SettingNames.PUBLIC_KEY_FILE, "cannot read public key file " + config.keyFile() + ": "
                            + e.getMessage(), e);
                }
            default:
                throw new IllegalArgumentException("not a file key source: " + config.keySource());
        }
    }

    /** One issuer: its configuration and its signature verifier, built once. */
    static final class IssuerVerifier {
        final IssuerConfig config;
        final SignatureVerifier signature;

        IssuerVerifier(IssuerConfig config, KeySet keys, SignatureProvider provider) {
            this.config = config;
            this.signature = new SignatureVerifier(config, keys, provider);
        }
    }
}
