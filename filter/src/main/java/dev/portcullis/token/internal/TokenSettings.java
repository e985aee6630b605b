package dev.portcullis.token.internal;

import dev.portcullis.config.ConfigurationException;
import dev.portcullis.config.SettingNames;
import dev.portcullis.config.Settings;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;

/**
 * Reads the token settings (issuers, keys, algorithms, limits) into a {@link TokenValidator} and
 * a {@link BearerTokenExtractor}. Every failure names the setting.
 *
 * <p>One issuer is configured with the top-level names ({@code portcullis.issuer},
 * {@code portcullis.audience}, {@code portcullis.jwks-uri}...). More issuers are listed in
 * {@code portcullis.issuers} ({@code a,b}) and each configured under
 * {@code portcullis.issuers.<name>.} with the same suffixes ({@code issuer}, {@code audience},
 * {@code jwks-uri}, {@code discovery-uri}, {@code jwks-file}, {@code public-key-file},
 * {@code hmac-secret}, {@code algorithms}, {@code required-type}, {@code principal-prefix}).
 */
public final class TokenSettings {
    /** The value of a principal prefix setting that means "no prefix". */
    public static final String NO_PREFIX = "none";
    /** Fewest distinct byte values an HMAC secret from settings may have (a repeated pattern is refused). */
    static final int MIN_DISTINCT_SECRET_BYTES = 8;

    private TokenSettings() {
    }

    /** The extractor: size limits and the query-parameter switch. */
    public static BearerTokenExtractor extractor(Settings s) {
        BearerTokenExtractor.Builder b = BearerTokenExtractor.builder();
        apply(SettingNames.MAX_TOKEN_BYTES, () -> b.maxTokenBytes(s.getInt(SettingNames.MAX_TOKEN_BYTES, BearerTokenExtractor.DEFAULT_MAX_TOKEN_BYTES)));
        apply(SettingNames.MAX_HEADER_BYTES, () -> b.maxHeaderBytes(s.getInt(SettingNames.MAX_HEADER_BYTES, BearerTokenExtractor.DEFAULT_MAX_HEADER_BYTES)));
        if (s.getBoolean(SettingNames.ALLOW_INSECURE_QUERY_PARAMETER_TOKENS, false)) {
            b.allowInsecureQueryParameterTokens();
        }
        return b.build();
    }

    /** The validator with every configured issuer. */
    public static TokenValidator validator(Settings s, Clock clock, TokenValidator.KeysRemovedListener listener) {
        TokenValidator.Builder b = TokenValidator.builder().clock(clock).onKeysRemoved(listener);
        apply(SettingNames.CLOCK_SKEW, () -> b.clockSkew(s.getDuration(SettingNames.CLOCK_SKEW, TokenValidator.DEFAULT_CLOCK_SKEW)));
        apply(SettingNames.CRYPTO_PROVIDER, () -> b.cryptoProvider(s.get(SettingNames.CRYPTO_PROVIDER).orElse("auto")));
        apply(SettingNames.MAX_TOKEN_LIFETIME, () -> b.maxLifetime(s.getDuration(SettingNames.MAX_TOKEN_LIFETIME, TokenValidator.DEFAULT_MAX_LIFETIME)));
        apply(SettingNames.JWKS_CACHE_TTL, () -> b.jwksCacheTtl(s.getDuration(SettingNames.JWKS_CACHE_TTL, Duration.ofMinutes(10))));
        apply(SettingNames.JWKS_REFRESH_INTERVAL, () -> b.jwksRefreshInterval(s.getDuration(SettingNames.JWKS_REFRESH_INTERVAL, Duration.ofSeconds(30))));
        apply(SettingNames.JWKS_STALE_IF_ERROR, () -> b.jwksStaleIfError(s.getDuration(SettingNames.JWKS_STALE_IF_ERROR, Duration.ofHours(24))));
        apply(SettingNames.JWKS_TIMEOUT, () -> b.httpTimeout(s.getDuration(SettingNames.JWKS_TIMEOUT, Duration.ofSeconds(5))));
        apply(SettingNames.JWKS_MAX_BYTES, () -> b.maxJwksBytes(s.getInt(SettingNames.JWKS_MAX_BYTES, 256 * 1024)));
        List<IssuerConfig> issuers = issuers(s);
        for (IssuerConfig config : issuers) {
            b.issuer(config);
        }
        return b.build();
    }

    /**
     * The issuer configurations named by the settings; at least one. Each carries its principal
     * prefix: {@value SettingNames#PRINCIPAL_PREFIX} / {@code portcullis.issuers.<key>.principal-prefix} when
     * set ({@value #NO_PREFIX} for none); else none when only one issuer is configured or for the
     * primary {@value SettingNames#ISSUER}, and {@code <key>:} for each issuer listed in {@value SettingNames#ISSUERS}.
     * The prefixes are checked to keep principal ids apart ({@link PrincipalIds#of}).
     */
    public static List<IssuerConfig> issuers(Settings s) {
        List<IssuerConfig> out = new ArrayList<>();
        List<String> listed = s.getList(SettingNames.ISSUERS);
        boolean primary = s.get(SettingNames.ISSUER).isPresent();
        int count = listed.size() + (primary ? 1 : 0);
        if (primary) {
            add(out, issuer(s, Settings.PREFIX, prefix(s, SettingNames.PRINCIPAL_PREFIX, "")), SettingNames.ISSUER, SettingNames.PRINCIPAL_PREFIX);
        }
        for (String name : listed) {
            String prefix = SettingNames.ISSUERS + "." + name + ".";
            String prefixSetting = prefix + "principal-prefix";
            add(out, issuer(s, prefix, prefix(s, prefixSetting, count == 1 ? "" : name + ":")), prefix + "issuer",
                    prefixSetting);
        }
        if (out.isEmpty()) {
            throw new ConfigurationException(SettingNames.ISSUER, "is required: name the token issuer (the exact 'iss' value)"
                    + " or list several in " + SettingNames.ISSUERS);
        }
        return out;
    }

    private static String prefix(Settings s, String setting, String defaultPrefix) {
        String value = s.get(setting, defaultPrefix);
        return value.equals(NO_PREFIX) ? "" : value;
    }

    private static void add(List<IssuerConfig> out, IssuerConfig config, String setting, String prefixSetting) {
        for (IssuerConfig c : out) {
            if (c.issuer().equals(config.issuer())) {
                throw new ConfigurationException(setting, "issuer '" + config.issuer() + "' is configured twice");
            }
        }
        out.add(config);
        try {
            PrincipalIds.of(out);
        } catch (ConfigurationException e) {
            throw new ConfigurationException(prefixSetting, e.problem(), e);
        }
    }

    private static IssuerConfig issuer(Settings s, String prefix, String principalPrefix) {
        String issuerName = prefix + "issuer";
        String issuer = s.require(issuerName);
        IssuerConfig.Builder b = IssuerConfig.builder(issuer);
        apply(prefix + "principal-prefix", () -> b.principalPrefix(principalPrefix));
        String audienceName = prefix + "audience";
        List<String> audiences = s.getList(audienceName);
        if (audiences.isEmpty()) {
            throw new ConfigurationException(audienceName, "is required: the audience ('aud') this application"
                    + " accepts, so that tokens minted for other services are refused");
        }
        b.audiences(audiences);
        List<String> sources = new ArrayList<>();
        for (String suffix : List.of("jwks-uri", "discovery-uri", "jwks-file", "public-key-file", "hmac-secret")) {
            if (s.get(prefix + suffix).isPresent()) {
                sources.add(prefix + suffix);
            }
        }
        if (sources.isEmpty()) {
            throw new ConfigurationException(prefix + "jwks-uri", "is required for issuer " + issuer
                    + " (or one of " + prefix + "discovery-uri, jwks-file, public-key-file, hmac-secret)");
        }
        if (sources.size() > 1) {
            throw new ConfigurationException(sources.get(1), "only one key source per issuer, but "
                    + sources + " are all set");
        }
        String source = sources.get(0);
        String value = s.require(source);
        if (source.endsWith("hmac-secret")) {
            byte[] secret = IssuerConfig.secretBytes(value);
            if (secret.length < 32) {
                throw new ConfigurationException(source, "an HMAC secret must be at least 32 bytes, was "
                        + secret.length + " bytes (value not shown)");
            }
            long distinct = IntStream.range(0, secret.length).map(i -> secret[i]).distinct().count();
            if (distinct < MIN_DISTINCT_SECRET_BYTES) {
                // "aaaa...", "abababab...": long enough, but guessable; a random secret of 32 bytes has ~30
                throw new ConfigurationException(source, "an HMAC secret must be random, but it has only " + distinct
                        + " distinct byte values (value not shown)");
            }
            apply(source, () -> b.hmacSecret(secret));
        } else if (source.endsWith("-uri")) {
            URI uri = parseUri(source, value);
            apply(source, () -> {
                if (source.endsWith("jwks-uri")) {
                    b.jwksUri(uri);
                } else {
                    b.discoveryUri(uri);
                }
            });
        } else {
            Path file = Path.of(value);
            if (!Files.isReadable(file)) {
                throw new ConfigurationException(source, "file '" + value + "' does not exist or cannot be read");
            }
            apply(source, () -> {
                if (source.endsWith("jwks-file")) {
                    b.jwksFile(file);
                } else {
                    b.publicKeyFile(file);
                }
            });
        }
        String algName = prefix + "algorithms";
        List<String> algorithms = s.getList(algName);
        if (!algorithms.isEmpty()) {
            apply(algName, () -> b.algorithms(algorithms));
        }
        s.get(prefix + "required-type").ifPresent(t -> apply(prefix + "required-type", () -> b.requiredType(t)));
        IssuerConfig config;
        try {
            config = b.build();
        } catch (ConfigurationException e) {
            String setting = e.problem().contains("HMAC") || e.problem().contains("HS") ? algName : source;
            throw new ConfigurationException(setting, e.problem(), e);
        }
        if (config.keySource() == IssuerConfig.KeySourceKind.JWKS_FILE
                || config.keySource() == IssuerConfig.KeySourceKind.PUBLIC_KEY_FILE) {
            // read the file now, so that a bad file is reported under its setting name
            apply(source, () -> IssuerKeys.fileKeys(config));
        }
        return config;
    }

    private static URI parseUri(String setting, String value) {
        try {
            URI uri = new URI(value);
            if (uri.getHost() == null) {
                throw new ConfigurationException(setting, "'" + value + "' is not an absolute URL");
            }
            return uri;
        } catch (java.net.URISyntaxException e) {
            throw new ConfigurationException(setting, "'" + value + "' is not a URL: " + e.getMessage());
        }
    }

    /**
     * Runs a builder call; a failure names {@code setting}. Builders name the primary issuer's
     * settings ({@code portcullis.audience}); for a listed issuer the failure is renamed to its own
     * ({@code portcullis.issuers.<key>.audience}).
     */
    static void apply(String setting, Runnable call) {
        try {
            call.run();
        } catch (ConfigurationException e) {
            throw e.setting().equals(setting) ? e : new ConfigurationException(setting, e.problem(), e);
        } catch (IllegalArgumentException e) {
            throw new ConfigurationException(setting, e.getMessage(), e);
        }
    }
}
