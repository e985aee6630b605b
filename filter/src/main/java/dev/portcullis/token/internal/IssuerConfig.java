package dev.portcullis.token.internal;

import dev.portcullis.config.SettingNames;
import dev.portcullis.config.ConfigurationException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;

/**
 * What Portcullis trusts from one token issuer: its {@code iss} value, the audiences that name
 * this application, where its verification keys come from, and which algorithms it may use.
 *
 * <p>Exactly one key source is configured: a JWKS URL, an OpenID Connect discovery URL (whose
 * {@code jwks_uri} is used), a local JWKS or PEM file, or an HMAC secret. HMAC is allowed only
 * with an explicit secret of at least 32 bytes (48 for HS384, 64 for HS512) and never together
 * with public keys, so that a public key can never be used as an HMAC secret.
 *
 * <pre>{@code
 * IssuerConfig idp = IssuerConfig.builder("https://idp.example.com/realms/app")
 *     .audiences("orders-api")
 *     .jwksUri(URI.create("https://idp.example.com/realms/app/protocol/openid-connect/certs"))
 *     .build();
 * }</pre>
 *
 * <p>Thread safety: immutable.
 */
public final class IssuerConfig {
    /** Where the issuer's keys come from. */
    public enum KeySourceKind { JWKS_URI, DISCOVERY_URI, JWKS_FILE, PUBLIC_KEY_FILE, HMAC_SECRET }

    private final String issuer;
    private final Set<String> audiences;
    private final Set<String> algorithms;
    private final KeySourceKind keySource;
    private final URI keyUri;
    private final Path keyFile;
    private final byte[] hmacSecret;
    private final String requiredType;
    private final String principalPrefix;

    private IssuerConfig(Builder b) {
        this.issuer = b.issuer;
        this.audiences = Set.copyOf(b.audiences);
        this.keySource = b.keySource;
        this.keyUri = b.keyUri;
        this.keyFile = b.keyFile;
        this.hmacSecret = b.hmacSecret;
        this.requiredType = b.requiredType;
        this.algorithms = Set.copyOf(b.algorithms);
        this.principalPrefix = b.principalPrefix;
    }

    public static Builder builder(String issuer) {
        return new Builder(issuer);
    }

    /** The exact {@code iss} value tokens must carry. */
    public String issuer() {
        return issuer;
    }

    /** Audiences of which a token's {@code aud} must contain at least one. */
    public Set<String> audiences() {
        return audiences;
    }

    /** The JWS algorithms accepted for this issuer. */
    public Set<String> algorithms() {
        return algorithms;
    }

    public KeySourceKind keySource() {
        return keySource;
    }

    /** The JWKS or discovery URL, for those key sources. */
    public URI keyUri() {
        return keyUri;
    }

    /** The JWKS or PEM file, for those key sources. */
    public Path keyFile() {
        return keyFile;
    }

    byte[] hmacSecret() {
        return hmacSecret == null ? null : hmacSecret.clone();
    }

    /** The required {@code typ} header (normalised, without {@code application/}), or null. */
    public String requiredType() {
        return requiredType;
    }

    /**
     * What policies see before this issuer's subjects in {@code P.id}: empty (the default, and
     * what a deployment with one issuer keeps) or, with several issuers, a string such as
     * {@code partner:} that sets this issuer's principals apart (see {@link PrincipalIds}).
     */
    public String principalPrefix() {
        return principalPrefix;
    }

    /**
     * This issuer with the same keys and algorithms but another required {@code typ} (null: none)
     * and audiences: how other JWTs the issuer signs (logout tokens) are verified with its keys.
     */
    public IssuerConfig forOtherTokens(String type, Set<String> otherAudiences) {
        Builder b = new Builder(issuer);
        b.audiences.addAll(otherAudiences);
        b.algorithms = algorithms;
        b.keySource = keySource;
        b.keyUri = keyUri;
        b.keyFile = keyFile;
        b.hmacSecret = hmacSecret;
        b.requiredType = type == null ? null : normaliseType(type);
        b.principalPrefix = principalPrefix;
        return new IssuerConfig(b);
    }

    @Override
    public String toString() {
        return "IssuerConfig[" + issuer + ", aud=" + audiences + ", keys=" + keySource
                + (keyUri != null ? " " + keyUri : "") + (keyFile != null ? " " + keyFile : "")
                + ", alg=" + algorithms + "]";
    }

    /** Strips {@code application/} and lower-cases a media type for comparison (RFC 7515 §4.1.9). */
    static String normaliseType(String type) {
        String t = type.trim().toLowerCase(Locale.ROOT);
        return t.startsWith("application/") ? t.substring("application/".length()) : t;
    }

    /**
     * Builds an {@link IssuerConfig}; each setter validates its argument at once.
     *
     * <p>Not thread-safe.
     */
    public static final class Builder {
        private final String issuer;
        private final Set<String> audiences = new LinkedHashSet<>();
        private Set<String> algorithms;
        private KeySourceKind keySource;
        private URI keyUri;
        private Path keyFile;
        private byte[] hmacSecret;
        private String requiredType;
        private String principalPrefix = "";

        private Builder(String issuer) {
            if (issuer == null || issuer.isBlank()) {
                throw new ConfigurationException(SettingNames.ISSUER, "issuer must not be empty");
            }
            this.issuer = issuer;
        }

        /** Audiences that name this application; at least one is required. */
        public Builder audiences(String... audiences) {
            return audiences(Arrays.asList(audiences));
        }

        public Builder audiences(List<String> audiences) {
            for (String a : audiences) {
                if (a == null || a.isBlank()) {
                    throw new ConfigurationException(SettingNames.AUDIENCE, "audience must not be empty");
                }
                this.audiences.add(a);
            }
            return this;
        }

        /**
         * The accepted JWS algorithms (default RS256, PS256, ES256, EdDSA; HS256 when an HMAC
         * secret is configured). {@code none} and unknown names are refused.
         */
        public Builder algorithms(List<String> algorithms) {
            Set<String> set = new LinkedHashSet<>();
            for (String a : algorithms) {
                if (a.equalsIgnoreCase("none")) {
                    throw new ConfigurationException(SettingNames.ALGORITHMS, "algorithm 'none' is never allowed");
                }
                if (!Algorithms.isKnown(a)) {
                    throw new ConfigurationException(SettingNames.ALGORITHMS, "unknown algorithm '" + a + "'; known: "
                            + new java.util.TreeSet<>(union()));
                }
                set.add(a);
            }
            if (set.isEmpty()) {
                throw new ConfigurationException(SettingNames.ALGORITHMS, "at least one algorithm is required");
            }
            this.algorithms = set;
            return this;
        }

        private static Set<String> union() {
            Set<String> all = new LinkedHashSet<>(Algorithms.ASYMMETRIC);
            all.addAll(Algorithms.HMAC);
            return all;
        }

        /** Keys from a JWKS URL (https, or http on a loopback address). */
        public Builder jwksUri(URI uri) {
            return keys(KeySourceKind.JWKS_URI, checkUri(uri), null, null);
        }

        /** Keys from the {@code jwks_uri} of an OpenID Connect discovery document. */
        public Builder discoveryUri(URI uri) {
            return keys(KeySourceKind.DISCOVERY_URI, checkUri(uri), null, null);
        }

        /** Keys from a local JWKS JSON file. */
        public Builder jwksFile(Path file) {
            return keys(KeySourceKind.JWKS_FILE, null, Objects.requireNonNull(file, "file"), null);
        }

        /** Keys from a local PEM file of one or more public keys ({@code BEGIN PUBLIC KEY}). */
        public Builder publicKeyFile(Path file) {
            return keys(KeySourceKind.PUBLIC_KEY_FILE, null, Objects.requireNonNull(file, "file"), null);
        }

        /**
         * An HMAC secret for HS256/384/512; at least 32 bytes. Only for issuers that share a
         * secret with this application; never together with public keys.
         */
        public Builder hmacSecret(byte[] secret) {
            if (secret == null || secret.length < 32) {
                throw new ConfigurationException(SettingNames.HMAC_SECRET, "HMAC secret must be at least 32 bytes, was "
                        + (secret == null ? 0 : secret.length));
            }
            return keys(KeySourceKind.HMAC_SECRET, null, null, secret.clone());
        }

        /** Requires the {@code typ} header, e.g. {@code at+jwt} (RFC 9068); matched case-insensitively. */
        public Builder requiredType(String type) {
            if (type == null || type.isBlank()) {
                throw new ConfigurationException(SettingNames.REQUIRED_TYPE, "required type must not be empty");
            }
            this.requiredType = normaliseType(type);
            return this;
        }

        /**
         * The prefix of this issuer's principal ids in policies ({@code P.id} = prefix +
         * {@code sub}); default empty. With several issuers at most one may have an empty prefix
         * and no prefix may start another (checked by {@link PrincipalIds#of}), so that two
         * principals of different issuers never share an id. Printable characters only.
         */
        public Builder principalPrefix(String prefix) {
            Objects.requireNonNull(prefix, "principal prefix");
            for (int i = 0; i < prefix.length(); i++) {
                char c = prefix.charAt(i);
                if (Character.isISOControl(c) || Character.isWhitespace(c)
                        || Character.getType(c) == Character.FORMAT) {
                    throw new ConfigurationException(SettingNames.PRINCIPAL_PREFIX, "principal prefix must be printable without spaces, "
                            + "character " + i + " is not");
                }
            }
            this.principalPrefix = prefix;
            return this;
        }

        private Builder keys(KeySourceKind kind, URI uri, Path file, byte[] secret) {
            if (keySource != null) {
                throw new ConfigurationException(SettingNames.JWKS_URI, "only one key source per issuer; already have "
                        + keySource + ", got " + kind);
            }
            this.keySource = kind;
            this.keyUri = uri;
            this.keyFile = file;
            this.hmacSecret = secret;
            return this;
        }

        private static URI checkUri(URI uri) {
            Objects.requireNonNull(uri, "uri");
            String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
            if (scheme.equals("https")) {
                return uri;
            }
            if (scheme.equals("http") && isLoopback(uri.getHost())) {
                return uri;
            }
            throw new ConfigurationException(SettingNames.JWKS_URI, "key URL must be https (http only on a loopback address): " + uri);
        }

        static boolean isLoopback(String host) {
            if (host == null) {
                return false;
            }
            String h = host.toLowerCase(Locale.ROOT);
            // 127.0.0.1.example.com is a DNS name anyone can point anywhere: only a literal
            // 127.x.y.z address counts, not every name that starts with "127."
            return h.equals("localhost") || h.matches("127\\.\\d{1,3}\\.\\d{1,3}\\.\\d{1,3}")
                    || h.equals("[::1]") || h.equals("::1");
        }

        public IssuerConfig build() {
            if (audiences.isEmpty()) {
                throw new ConfigurationException(SettingNames.AUDIENCE, "at least one audience is required for issuer " + issuer);
            }
            if (keySource == null) {
                throw new ConfigurationException(SettingNames.JWKS_URI, "no key source for issuer " + issuer
                        + " (a JWKS URL, discovery URL, JWKS file, public key file or HMAC secret)");
            }
            if (algorithms == null) {
                algorithms = keySource == KeySourceKind.HMAC_SECRET
                        ? new LinkedHashSet<>(List.of("HS256")) : new LinkedHashSet<>(Algorithms.DEFAULT);
            }
            List<String> hmac = new ArrayList<>();
            List<String> asymmetric = new ArrayList<>();
            for (String a : algorithms) {
                (Algorithms.HMAC.contains(a) ? hmac : asymmetric).add(a);
            }
            if (keySource == KeySourceKind.HMAC_SECRET) {
                if (!asymmetric.isEmpty()) {
                    throw new ConfigurationException(SettingNames.ALGORITHMS, "an HMAC secret allows only HS256/384/512, not " + asymmetric);
                }
                for (String a : hmac) {
                    if (hmacSecret.length < Algorithms.minimumHmacKeyBytes(a)) {
                        throw new ConfigurationException(SettingNames.ALGORITHMS, a + " needs an HMAC secret of at least "
                                + Algorithms.minimumHmacKeyBytes(a) + " bytes, was " + hmacSecret.length);
                    }
                }
            } else if (!hmac.isEmpty()) {
                throw new ConfigurationException(SettingNames.ALGORITHMS, "HMAC algorithms " + hmac
                        + " cannot be used with public keys (" + keySource + ")");
            }
            return new IssuerConfig(this);
        }
    }

    static byte[] secretBytes(String value) {
        if (value.startsWith("base64:")) {
            return java.util.Base64.getDecoder().decode(value.substring("base64:".length()));
        }
        return value.getBytes(StandardCharsets.UTF_8);
    }
}
