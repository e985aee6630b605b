package dev.portcullis.signals.internal;

import dev.portcullis.config.ConfigurationException;
import dev.portcullis.config.SettingNames;

import org.jose4j.json.JsonUtil;
import org.jose4j.lang.JoseException;

import java.io.IOException;
import java.net.URI;
import java.time.Duration;
import java.util.Map;

/**
 * Reads a transmitter's configuration (SSF 1.0 §7.1, {@code /.well-known/ssf-configuration}) once,
 * at startup: its {@code issuer} (which must be the one the URL was derived from: the well-known
 * suffix appended to it, or inserted before its path) and its {@code jwks_uri}. A transmitter that
 * cannot be read stops the application with a {@link ConfigurationException} naming
 * {@value SettingNames#SIGNALS_CONFIGURATION_URI}: a receiver that cannot verify anything would
 * silently drop every revocation.
 *
 * <p>Thread safety: stateless.
 */
final class TransmitterDiscovery {
    static final String WELL_KNOWN = "/.well-known/ssf-configuration";

    /** What the receiver uses of the configuration. */
    record Transmitter(String issuer, URI jwksUri) {
    }

    private TransmitterDiscovery() {
    }

    static Transmitter fetch(URI configuration, Duration timeout) {
        String name = SettingNames.SIGNALS_CONFIGURATION_URI;
        Map<String, Object> doc;
        try {
            SignalHttp.Answer a = SignalHttp.exchange(configuration, null, null, timeout, 256 * 1024);
            if (a.status() != 200) {
                throw new ConfigurationException(name, "the transmitter answered " + a.status() + " for " + configuration);
            }
            doc = JsonUtil.parseJson(a.body());
        } catch (IOException e) {
            throw new ConfigurationException(name, "cannot read " + configuration + ": " + e.getMessage(), e);
        } catch (JoseException | RuntimeException e) {
            throw new ConfigurationException(name, configuration + " is not a JSON object", e);
        }
        Object issuer = doc.get("issuer");
        Object jwks = doc.get("jwks_uri");
        if (!(issuer instanceof String) || !(jwks instanceof String)) {
            throw new ConfigurationException(name, configuration + " lacks issuer or jwks_uri");
        }
        if (!derivedFrom(configuration, (String) issuer)) {
            throw new ConfigurationException(name, "the configuration's issuer '" + issuer + "' is not the one "
                    + configuration + " belongs to");
        }
        return new Transmitter((String) issuer, SignalOptions.uri(name, (String) jwks));
    }

    static boolean derivedFrom(URI configuration, String issuer) {
        String c = configuration.toString();
        String i = issuer.endsWith("/") ? issuer.substring(0, issuer.length() - 1) : issuer;
        if (c.equals(i + WELL_KNOWN)) {
            return true;
        }
        URI iu = URI.create(i);
        String path = iu.getRawPath() == null ? "" : iu.getRawPath();
        String origin = iu.getScheme() + "://" + iu.getRawAuthority();
        return c.equals(origin + WELL_KNOWN + path);
    }
}
