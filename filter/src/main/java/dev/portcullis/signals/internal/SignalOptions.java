package dev.portcullis.signals.internal;

import dev.portcullis.config.ConfigurationException;
import dev.portcullis.config.SettingNames;
import dev.portcullis.config.Settings;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * The receiver's settings ({@code portcullis.signals.*}, {@code portcullis.backchannel-logout.*}),
 * each checked at startup with a {@link ConfigurationException} naming it. The transmitter's
 * issuer and JWKS come from its {@code /.well-known/ssf-configuration} ({@link TransmitterDiscovery})
 * or from {@value SettingNames#SIGNALS_ISSUER} and {@value SettingNames#SIGNALS_JWKS_URI}.
 *
 * <p>Thread safety: immutable.
 */
final class SignalOptions {
    /** The shortest push or poll bearer token accepted. */
    static final int MIN_TOKEN_CHARS = 32;
    static final List<String> DEFAULT_ALGORITHMS = List.of("RS256", "PS256", "ES256", "EdDSA");

    final String pushPath;
    final byte[] pushToken;
    final URI configurationUri;
    final String transmitter;
    final URI jwksUri;
    final String audience;
    final List<String> algorithms;
    final Set<String> subjectIssuers;
    final EventActions actions;
    final Duration maxAge;
    final int maxBodyBytes;
    final int maxConcurrent;
    final URI pollUri;
    final String pollToken;
    final Duration pollInterval;
    final int pollMaxEvents;
    final String logoutPath;
    final String logoutAudience;

    private SignalOptions(Settings s) {
        pushPath = path(s, SettingNames.SIGNALS_PUSH_PATH);
        String token = s.get(SettingNames.SIGNALS_PUSH_TOKEN).orElse(null);
        pollUri = s.get(SettingNames.SIGNALS_POLL_URI).map(v -> uri(SettingNames.SIGNALS_POLL_URI, v)).orElse(null);
        pollToken = s.get(SettingNames.SIGNALS_POLL_TOKEN).orElse(null);
        configurationUri = s.get(SettingNames.SIGNALS_CONFIGURATION_URI)
                .map(v -> uri(SettingNames.SIGNALS_CONFIGURATION_URI, v)).orElse(null);
        transmitter = s.get(SettingNames.SIGNALS_ISSUER).orElse(null);
        jwksUri = s.get(SettingNames.SIGNALS_JWKS_URI).map(v -> uri(SettingNames.SIGNALS_JWKS_URI, v)).orElse(null);
        audience = s.get(SettingNames.SIGNALS_AUDIENCE).orElse(null);
        List<String> algs = s.getList(SettingNames.SIGNALS_ALGORITHMS);
        algorithms = algs.isEmpty() ? DEFAULT_ALGORITHMS : algs;
        subjectIssuers = new LinkedHashSet<>(s.getList(SettingNames.SIGNALS_SUBJECT_ISSUERS));
        actions = EventActions.parse(s.getList(SettingNames.SIGNALS_ACTIONS));
        maxAge = s.getDuration(SettingNames.SIGNALS_MAX_AGE, Duration.ofMinutes(5));
        maxBodyBytes = positive(s, SettingNames.SIGNALS_MAX_BODY_BYTES, 64 * 1024);
        maxConcurrent = positive(s, SettingNames.SIGNALS_MAX_CONCURRENT, 4);
        pollInterval = s.getDuration(SettingNames.SIGNALS_POLL_INTERVAL, Duration.ofSeconds(30));
        pollMaxEvents = positive(s, SettingNames.SIGNALS_POLL_MAX_EVENTS, 100);
        logoutPath = path(s, SettingNames.BACKCHANNEL_LOGOUT_PATH);
        logoutAudience = s.get(SettingNames.BACKCHANNEL_LOGOUT_AUDIENCE).orElse(null);

        if (pushPath != null) {
            if (token == null || token.length() < MIN_TOKEN_CHARS) {
                throw new ConfigurationException(SettingNames.SIGNALS_PUSH_TOKEN, "the push endpoint needs the bearer"
                        + " token the stream was configured with, at least " + MIN_TOKEN_CHARS + " characters");
            }
        }
        pushToken = token == null ? null : token.getBytes(StandardCharsets.UTF_8);
        if (pollUri != null && (pollToken == null || pollToken.isBlank())) {
            throw new ConfigurationException(SettingNames.SIGNALS_POLL_TOKEN, "the poll client needs a bearer token");
        }
        if (pollInterval.compareTo(Duration.ofSeconds(1)) < 0 && pollUri != null) {
            throw new ConfigurationException(SettingNames.SIGNALS_POLL_INTERVAL, "must be at least 1s, was " + pollInterval);
        }
        if (signalsOn()) {
            if (configurationUri == null && (transmitter == null || jwksUri == null)) {
                throw new ConfigurationException(SettingNames.SIGNALS_CONFIGURATION_URI, "a receiver needs the"
                        + " transmitter's ssf-configuration URL, or both " + SettingNames.SIGNALS_ISSUER + " and "
                        + SettingNames.SIGNALS_JWKS_URI);
            }
            if (audience == null || audience.isBlank()) {
                throw new ConfigurationException(SettingNames.SIGNALS_AUDIENCE, "a receiver needs the audience its"
                        + " SETs are addressed to");
            }
        }
        if (logoutPath != null && (logoutAudience == null || logoutAudience.isBlank())) {
            throw new ConfigurationException(SettingNames.BACKCHANNEL_LOGOUT_AUDIENCE, "the back-channel logout"
                    + " endpoint needs this application's client id (the aud of logout tokens)");
        }
        if (logoutPath != null && logoutPath.equals(pushPath)) {
            throw new ConfigurationException(SettingNames.BACKCHANNEL_LOGOUT_PATH, "must differ from "
                    + SettingNames.SIGNALS_PUSH_PATH);
        }
    }

    /** The options, or null when neither a receiver nor a logout endpoint is configured. */
    static SignalOptions of(Settings s) {
        SignalOptions o = new SignalOptions(s);
        return o.signalsOn() || o.logoutPath != null ? o : null;
    }

    /** Whether SETs are received (pushed or polled). */
    boolean signalsOn() {
        return pushPath != null || pollUri != null;
    }

    private static String path(Settings s, String name) {
        String v = s.get(name).orElse(null);
        if (v != null && !v.startsWith("/")) {
            throw new ConfigurationException(name, "must start with /, was '" + v + "'");
        }
        return v;
    }

    private static int positive(Settings s, String name, int def) {
        int v = s.getInt(name, def);
        if (v < 1) {
            throw new ConfigurationException(name, "must be positive, was " + v);
        }
        return v;
    }

    static URI uri(String name, String value) {
        URI u;
        try {
            u = URI.create(value.trim());
        } catch (IllegalArgumentException e) {
            throw new ConfigurationException(name, "not a URL: '" + value + "'", e);
        }
        String host = u.getHost();
        boolean loopback = host != null && (host.equals("localhost") || host.equals("127.0.0.1") || host.equals("[::1]")
                || host.equals("::1"));
        if (!"https".equals(u.getScheme()) && !("http".equals(u.getScheme()) && loopback)) {
            throw new ConfigurationException(name, "must be https (http only on loopback), was '" + value + "'");
        }
        return u;
    }
}
