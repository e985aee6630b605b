package dev.portcullis.cli;

import dev.portcullis.config.Settings;
import org.jose4j.json.JsonUtil;
import org.jose4j.lang.JoseException;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.Reader;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Properties;
import java.util.regex.Pattern;

/**
 * What the token commands read: the token (argument or bounded standard input), the
 * {@code --config} properties file, and the strict, untrusting decoding of a compact JWS
 * (RFC 7515 §7.1) into its header and payload objects. See {@link LintTokenCommand} for the rules.
 *
 * <p>Thread safety: stateless.
 */
final class TokenInput {
    /** The most a command reads from standard input or accepts as a token. */
    static final int MAX_INPUT_BYTES = 1 << 20;

    private static final Pattern COMPACT_JWS =
            Pattern.compile("^[A-Za-z0-9_-]++\\.[A-Za-z0-9_-]++\\.[A-Za-z0-9_-]++$");

    private TokenInput() {
    }

    static String describe(IOException e) {
        if (e instanceof NoSuchFileException) {
            return "no such file";
        }
        return e.getMessage() == null ? e.getClass().getSimpleName() : Text.printable(e.getMessage(), 200);
    }

    static Settings loadConfig(String file) throws IOException {
        Properties p = new Properties();
        try (Reader r = Files.newBufferedReader(Path.of(file), StandardCharsets.UTF_8)) {
            p.load(r);
        }
        Map<String, String> values = new LinkedHashMap<>();
        for (String name : p.stringPropertyNames()) {
            values.put(name, p.getProperty(name));
        }
        return Settings.of(values);
    }

    static String readAll(InputStream in) throws IOException, MalformedInput {
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        byte[] chunk = new byte[8192];
        int n;
        while ((n = in.read(chunk)) != -1) {
            buf.write(chunk, 0, n);
            if (buf.size() > MAX_INPUT_BYTES) {
                throw new MalformedInput("input is larger than " + MAX_INPUT_BYTES + " bytes");
            }
        }
        return buf.toString(StandardCharsets.UTF_8);
    }

    /** Strict decoding: compact-JWS syntax, base64url, UTF-8, one JSON object per part. */
    static Decoded decode(String token) throws MalformedInput {
        if (token.isEmpty()) {
            throw new MalformedInput("no token given");
        }
        if (token.length() > MAX_INPUT_BYTES) {
            throw new MalformedInput("input is larger than " + MAX_INPUT_BYTES + " bytes");
        }
        if (!COMPACT_JWS.matcher(token).matches()) {
            long dots = token.chars().filter(c -> c == '.').count();
            if (dots == 4) {
                throw new MalformedInput("not a compact JWS: five segments look like an encrypted "
                        + "token (JWE), which is never accepted");
            }
            if (dots == 2 && token.endsWith(".")) {
                throw new MalformedInput("not a compact JWS: the signature segment is empty "
                        + "(an unsecured token is never accepted)");
            }
            throw new MalformedInput("not a compact JWS: expected three non-empty base64url "
                    + "segments separated by dots");
        }
        int first = token.indexOf('.');
        int second = token.indexOf('.', first + 1);
        Map<String, Object> header = parseObject("header", token.substring(0, first));
        Map<String, Object> payload = parseObject("payload", token.substring(first + 1, second));
        return new Decoded(token.length(), header, payload);
    }

    private static Map<String, Object> parseObject(String part, String segment) throws MalformedInput {
        byte[] raw;
        try {
            raw = Base64.getUrlDecoder().decode(segment);
        } catch (IllegalArgumentException e) {
            throw new MalformedInput(part + " is not valid base64url");
        }
        String text;
        try {
            text = StandardCharsets.UTF_8.newDecoder().decode(ByteBuffer.wrap(raw)).toString();
        } catch (CharacterCodingException e) {
            throw new MalformedInput(part + " is not valid UTF-8");
        }
        try {
            Map<String, Object> map = JsonUtil.parseJson(text);
            if (map == null) {
                throw new MalformedInput(part + " is not a JSON object");
            }
            return map;
        } catch (JoseException e) {
            String m = String.valueOf(e.getMessage());
            if (m.contains("already exists")) {
                throw new MalformedInput(part + " is not valid: a member name appears twice");
            }
            if (m.contains("Expecting a JSON object") || m.contains("returned null")) {
                throw new MalformedInput(part + " is not a JSON object");
            }
            throw new MalformedInput(part + " is not valid JSON");
        } catch (RuntimeException e) {
            throw new MalformedInput(part + " is not valid JSON");
        }
    }

    /** A decoded, untrusted token. */
    static final class Decoded {
        final int bytes;
        final Map<String, Object> header;
        final Map<String, Object> payload;

        Decoded(int bytes, Map<String, Object> header, Map<String, Object> payload) {
            this.bytes = bytes;
            this.header = header;
            this.payload = payload;
        }
    }

    /** Input that is not a token this command can decode; the message is one client-safe line. */
    static final class MalformedInput extends Exception {
        private static final long serialVersionUID = 1L;

        MalformedInput(String message) {
            super(message);
        }
    }
}
