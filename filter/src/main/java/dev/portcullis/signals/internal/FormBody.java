package dev.portcullis.signals.internal;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;

/**
 * Reads one parameter of an {@code application/x-www-form-urlencoded} body (the back-channel
 * logout request): exactly once, not empty, else {@code invalid_request}. Other parameters are
 * ignored.
 *
 * <p>Thread safety: stateless.
 */
final class FormBody {
    private FormBody() {
    }

    static String single(String body, String name) throws SignalException {
        String found = null;
        for (String pair : body.split("&")) {
            int eq = pair.indexOf('=');
            String key = decode(eq < 0 ? pair : pair.substring(0, eq));
            if (!key.equals(name)) {
                continue;
            }
            if (found != null) {
                throw new SignalException(SignalException.INVALID_REQUEST, name + " given more than once");
            }
            found = eq < 0 ? "" : decode(pair.substring(eq + 1)).trim();
        }
        if (found == null || found.isEmpty()) {
            throw new SignalException(SignalException.INVALID_REQUEST, name + " missing or empty");
        }
        return found;
    }

    private static String decode(String s) throws SignalException {
        try {
            return URLDecoder.decode(s, StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            throw new SignalException(SignalException.INVALID_REQUEST, "malformed form encoding");
        }
    }
}
