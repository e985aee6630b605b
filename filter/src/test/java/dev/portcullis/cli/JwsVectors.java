package dev.portcullis.cli;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Properties;

/**
 * The published JWS test vectors of {@code jws-vectors/vectors.properties} (RFC 7515 Appendix A.1-A.3,
 * RFC 8037 Appendix A.4; each cited there), and their keys written as files the CLI reads.
 */
final class JwsVectors {
    private final Properties p = new Properties();
    private final Path dir;

    JwsVectors(Path dir) {
        this.dir = dir;
        try (InputStream in = JwsVectors.class.getResourceAsStream("/jws-vectors/vectors.properties")) {
            p.load(in);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The compact JWS of a vector, e.g. {@code rfc7515.a2}. */
    String jws(String vector) {
        return p.getProperty(vector + ".jws");
    }

    /** The public JWK of a vector. */
    String jwk(String vector) {
        return p.getProperty(vector + ".jwk");
    }

    /** A JWKS file holding the vector's public key, with {@code extraMembers} (e.g. {@code "alg":"PS256"}) added. */
    Path jwksFile(String vector, String extraMembers) {
        String jwk = jwk(vector);
        if (!extraMembers.isEmpty()) {
            jwk = jwk.substring(0, jwk.length() - 1) + "," + extraMembers + "}";
        }
        return write(vector + "-" + Integer.toHexString(extraMembers.hashCode()) + ".jwks.json",
                "{\"keys\":[" + jwk + "]}");
    }

    /** The HMAC secret file of RFC 7515 A.1 (with a trailing newline, as editors write it). */
    Path a1SecretFile() {
        return write("rfc7515-a1.secret", p.getProperty("rfc7515.a1.secret") + "\n");
    }

    Path write(String name, String content) {
        try {
            return Files.writeString(dir.resolve(name), content);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
