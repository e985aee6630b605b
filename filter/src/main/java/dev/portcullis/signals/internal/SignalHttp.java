package dev.portcullis.signals.internal;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.HttpURLConnection;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/**
 * The receiver's outgoing HTTP (the transmitter's configuration at startup, polls from the poll
 * thread): one blocking exchange on the calling thread, with connect and read timeouts, no
 * redirects, no keep-alive (no JDK keep-alive thread is started for it) and a bounded body.
 *
 * <p>Thread safety: stateless.
 */
final class SignalHttp {
    /** One answer. */
    record Answer(int status, String body) {
    }

    private SignalHttp() {
    }

    /** GET ({@code json} null) or POST of {@code json}, with the bearer token when not null. */
    static Answer exchange(URI uri, String bearer, String json, Duration timeout, int maxBytes) throws IOException {
        HttpURLConnection c = (HttpURLConnection) uri.toURL().openConnection();
        try {
            c.setInstanceFollowRedirects(false);
            c.setConnectTimeout((int) timeout.toMillis());
            c.setReadTimeout((int) timeout.toMillis());
            c.setUseCaches(false);
            c.setRequestProperty("Connection", "close");
            c.setRequestProperty("Accept", "application/json");
            if (bearer != null) {
                c.setRequestProperty("Authorization", "Bearer " + bearer);
            }
            if (json != null) {
                byte[] out = json.getBytes(StandardCharsets.UTF_8);
                c.setRequestMethod("POST");
                c.setDoOutput(true);
                c.setFixedLengthStreamingMode(out.length);
                c.setRequestProperty("Content-Type", "application/json");
                try (OutputStream o = c.getOutputStream()) {
                    o.write(out);
                }
            }
            int status = c.getResponseCode();
            InputStream in = status >= 400 ? c.getErrorStream() : c.getInputStream();
            return new Answer(status, in == null ? "" : read(in, maxBytes));
        } finally {
            c.disconnect();
        }
    }

    private static String read(InputStream in, int maxBytes) throws IOException {
        try (in) {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            byte[] buf = new byte[8192];
            int n;
            while ((n = in.read(buf)) > 0) {
                if (out.size() + n > maxBytes) {
                    throw new IOException("answer larger than " + maxBytes + " bytes");
                }
                out.write(buf, 0, n);
            }
            return out.toString(StandardCharsets.UTF_8);
        }
    }
}
