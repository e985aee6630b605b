package dev.portcullis.token.internal.dpop;

import dev.portcullis.config.ConfigurationException;
import dev.portcullis.config.SettingNames;
import dev.portcullis.config.Settings;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Reads the DPoP settings into {@link SenderConstraints}; each failure names its setting. The
 * mode is per issuer: {@value SettingNames#DPOP_MODE} for the primary issuer,
 * {@code portcullis.issuers.<name>.dpop-mode} for each listed one. Without any issuer in
 * {@code allowed} or {@code required} mode nothing is started (no replay cache).
 *
 * <p>Thread safety: stateless.
 */
public final class SenderSettings {
    /** Algorithms accepted for proofs unless {@value SettingNames#DPOP_ALGORITHMS} says otherwise. */
    public static final List<String> DEFAULT_ALGORITHMS = List.of("ES256", "PS256", "RS256", "EdDSA");
    static final Set<String> ASYMMETRIC = Set.of(
            "RS256", "RS384", "RS512", "PS256", "PS384", "PS512", "ES256", "ES384", "ES512", "EdDSA");
    /** Default of {@value SettingNames#DPOP_MAX_AGE}. */
    public static final Duration DEFAULT_MAX_AGE = Duration.ofSeconds(60);
    /** Default of {@value SettingNames#DPOP_REPLAY_CACHE_ENTRIES}. */
    public static final int DEFAULT_REPLAY_ENTRIES = 100_000;

    private SenderSettings() {
    }

    /**
     * The sender constraints the settings describe (the issuers are already checked by the token
     * settings).
     *
     * @param skew the token validator's clock skew, also allowed for a proof's {@code iat}
     */
    public static SenderConstraints of(Settings s, Duration skew, Clock clock) {
        Map<String, DpopMode> modes = new LinkedHashMap<>();
        s.get(SettingNames.ISSUER).ifPresent(iss -> modes.put(iss,
                s.getEnum(SettingNames.DPOP_MODE, DpopMode.class, DpopMode.OFF)));
        for (String name : s.getList(SettingNames.ISSUERS)) {
            String prefix = SettingNames.ISSUERS + "." + name + ".";
            modes.put(s.require(prefix + "issuer"), s.getEnum(prefix + "dpop-mode", DpopMode.class, DpopMode.OFF));
        }
        if (modes.values().stream().allMatch(m -> m == DpopMode.OFF)) {
            return new SenderConstraints(modes, null, null, ExternalUrl.NONE);
        }
        Set<String> algorithms = new LinkedHashSet<>();
        List<String> listed = s.getList(SettingNames.DPOP_ALGORITHMS);
        for (String a : listed.isEmpty() ? DEFAULT_ALGORITHMS : listed) {
            if (!ASYMMETRIC.contains(a)) {
                throw new ConfigurationException(SettingNames.DPOP_ALGORITHMS, "'" + a + "' is not an asymmetric JWS"
                        + " algorithm (RFC 9449 §4.2: no none, no HMAC); known: " + new java.util.TreeSet<>(ASYMMETRIC));
            }
            algorithms.add(a);
        }
        Duration maxAge = s.getDuration(SettingNames.DPOP_MAX_AGE, DEFAULT_MAX_AGE);
        if (maxAge.compareTo(Duration.ofSeconds(1)) < 0 || maxAge.compareTo(Duration.ofMinutes(10)) > 0) {
            throw new ConfigurationException(SettingNames.DPOP_MAX_AGE, "must be between 1s and 10m, was " + maxAge);
        }
        int entries = s.getInt(SettingNames.DPOP_REPLAY_CACHE_ENTRIES, DEFAULT_REPLAY_ENTRIES);
        if (entries < 100 || entries > 10_000_000) {
            throw new ConfigurationException(SettingNames.DPOP_REPLAY_CACHE_ENTRIES,
                    "must be between 100 and 10000000, was " + entries);
        }
        Nonces nonces = null;
        String secret = s.get(SettingNames.DPOP_NONCE_SECRET).orElse(null);
        if (secret != null) {
            byte[] bytes = secret.startsWith("base64:") ? java.util.Base64.getDecoder().decode(secret.substring(7))
                    : secret.getBytes(StandardCharsets.UTF_8);
            if (bytes.length < 32) {
                throw new ConfigurationException(SettingNames.DPOP_NONCE_SECRET, "must be at least 32 bytes, was "
                        + bytes.length + " (value not shown)");
            }
            Duration lifetime = s.getDuration(SettingNames.DPOP_NONCE_LIFETIME, Duration.ofMinutes(5));
            if (lifetime.compareTo(Duration.ofSeconds(10)) < 0) {
                throw new ConfigurationException(SettingNames.DPOP_NONCE_LIFETIME, "must be at least 10s, was "
                        + lifetime);
            }
            nonces = new Nonces(bytes, lifetime, clock);
        }
        ExternalUrl external = ExternalUrl.of(s.get(SettingNames.DPOP_EXTERNAL_URL).orElse(null));
        Duration lifetime = maxAge.plus(skew.multipliedBy(2)).plusSeconds(1);
        String cluster = s.get(SettingNames.ATTRIBUTES_CACHE_CLUSTER_URI).orElse(null);
        ReplayCache replays = cluster == null ? ReplayCache.local(entries, lifetime)
                : ReplayCache.clustered(URI.create(cluster),
                        s.get(SettingNames.ATTRIBUTES_CACHE_CLUSTER_RESOURCE, "main"),
                        s.getDuration(SettingNames.ATTRIBUTES_CACHE_CLUSTER_TIMEOUT, Duration.ofSeconds(1)),
                        entries, lifetime);
        return new SenderConstraints(modes, new ProofVerifier(algorithms, maxAge, skew, clock, nonces, replays),
                replays, external);
    }

}
