package dev.portcullis.it;

import dev.portcullis.config.Settings;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The settings a test deployment of the demo WAR overrides, by public setting name
 * ({@code portcullis.jwks-uri}); {@link #environment()} gives them as the {@code PORTCULLIS_*}
 * environment variables a server process receives, {@link #asMap()} as the system properties an
 * in-process server is given.
 *
 * <pre>{@code
 * DemoWarSettings s = DemoWarSettings.forPort(port)
 *         .attributesJdbcUrl(database.url())
 *         .set("portcullis.attributes.cache.ttl", "2s");
 * JettyDistribution.start("jetty", war, port, s.environment());
 * }</pre>
 *
 * <p>Thread safety: not thread-safe; build, then hand over.
 */
public final class DemoWarSettings {
    private final Map<String, String> settings = new LinkedHashMap<>();

    private DemoWarSettings() {
    }

    /** Settings for the WAR at {@code http://127.0.0.1:<port>/}: its dev issuer's JWKS URI names the port. */
    public static DemoWarSettings forPort(int port) {
        DemoWarSettings s = new DemoWarSettings();
        s.set("portcullis.jwks-uri", "http://127.0.0.1:" + port + "/dev/jwks.json");
        return s;
    }

    public DemoWarSettings set(String name, String value) {
        if (!name.startsWith(Settings.PREFIX)) {
            throw new IllegalArgumentException("not a Portcullis setting: " + name);
        }
        settings.put(name, value);
        return this;
    }

    /** The attribute store (the demo seeds it at startup). */
    public DemoWarSettings attributesJdbcUrl(String url) {
        return set("portcullis.attributes.jdbc.url", url);
    }

    /**
     * Adds an issuer beside the dev issuer of web.xml, under {@code portcullis.issuers.<key>.*},
     * with its keys found through OpenID discovery.
     */
    public DemoWarSettings extraIssuer(String key, String issuer, String audience, String discoveryUri) {
        String list = settings.get("portcullis.issuers");
        set("portcullis.issuers", list == null ? key : list + "," + key);
        set("portcullis.issuers." + key + ".issuer", issuer);
        set("portcullis.issuers." + key + ".audience", audience);
        set("portcullis.issuers." + key + ".discovery-uri", discoveryUri);
        return this;
    }

    /** By setting name. */
    public Map<String, String> asMap() {
        return Collections.unmodifiableMap(new LinkedHashMap<>(settings));
    }

    /** As environment variables ({@code portcullis.jwks-uri} is {@code PORTCULLIS_JWKS_URI}). */
    public Map<String, String> environment() {
        Map<String, String> env = new LinkedHashMap<>();
        settings.forEach((k, v) -> env.put(Settings.environmentName(k), v));
        return env;
    }

    @Override
    public String toString() {
        return environment().toString();
    }
}
