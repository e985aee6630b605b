package dev.portcullis.token.internal.dpop;

import dev.portcullis.config.ConfigurationException;
import dev.portcullis.config.SettingNames;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.Locale;

/**
 * The URL a client used, for {@code htu}, when a reverse proxy stands in front of the container:
 * {@value SettingNames#DPOP_EXTERNAL_URL} ({@code https://api.example.com}, or with a path prefix
 * the proxy strips, {@code https://example.com/orders}) replaces the scheme, host and port of the
 * URL the container saw and goes before its path (which includes the context path). Forwarded
 * headers ({@code Forwarded}, {@code X-Forwarded-*}) are never trusted: any client can send them.
 *
 * <p>Thread safety: immutable.
 */
final class ExternalUrl {
    static final ExternalUrl NONE = new ExternalUrl(null);

    private final String base;

    private ExternalUrl(String base) {
        this.base = base;
    }

    static ExternalUrl of(String value) {
        if (value == null) {
            return NONE;
        }
        URI uri;
        try {
            uri = new URI(value);
        } catch (URISyntaxException e) {
            throw new ConfigurationException(SettingNames.DPOP_EXTERNAL_URL, "'" + value + "' is not a URL");
        }
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        if (!(scheme.equals("https") || scheme.equals("http")) || uri.getHost() == null || uri.getRawQuery() != null
                || uri.getRawFragment() != null || uri.getRawUserInfo() != null) {
            throw new ConfigurationException(SettingNames.DPOP_EXTERNAL_URL, "'" + value
                    + "' must be an absolute http(s) URL without user, query or fragment");
        }
        String v = value.endsWith("/") ? value.substring(0, value.length() - 1) : value;
        return new ExternalUrl(v);
    }

    /** The external form of the container's request URL; the URL itself without a setting. */
    String apply(String containerUrl) {
        if (base == null || containerUrl == null) {
            return containerUrl;
        }
        try {
            String path = new URI(containerUrl).getRawPath();
            return base + (path == null || path.isEmpty() ? "/" : path);
        } catch (URISyntaxException e) {
            return null;
        }
    }
}
