package dev.portcullis.internal.audit;

import dev.portcullis.config.ConfigurationException;
import dev.portcullis.config.SettingNames;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.function.Supplier;

/**
 * Where the decision log's writer puts a batch of lines when {@value SettingNames#DECISION_LOG_OUTPUT}
 * is not {@value #LOGGER}: the process's standard output or error stream, or a file opened for
 * appending. Each {@link #write} is one batch of whole lines, written at once, encoded in UTF-8 into
 * one byte buffer kept between writes (no string or byte array per write: at a busy server's rate
 * those copies were a quarter of what the engine allocated per request).
 *
 * <p>Thread safety: used by the writer thread only (and closed by {@link DecisionLog#close()}
 * after the writer has stopped).
 */
abstract class Output {
    /** The value naming the SLF4J logger: no output of this kind. */
    static final String LOGGER = "logger";
    /** The value naming the standard output stream. */
    static final String STDOUT = "stdout";
    /** The value naming the standard error stream. */
    static final String STDERR = "stderr";

    /**
     * Opens {@code where}: {@value #STDOUT}, {@value #STDERR} or a file path.
     *
     * @throws ConfigurationException naming {@value SettingNames#DECISION_LOG_OUTPUT} when the file cannot be opened
     */
    static Output open(String where) {
        if (where.equals(STDOUT)) {
            return new Stream(STDOUT, () -> System.out);
        }
        if (where.equals(STDERR)) {
            return new Stream(STDERR, () -> System.err);
        }
        if (where.isEmpty()) {
            throw new ConfigurationException(SettingNames.DECISION_LOG_OUTPUT,
                    "is empty: give logger, stdout, stderr or a file path");
        }
        try {
            Path path = Path.of(where);
            return new File(path, FileChannel.open(path, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                    StandardOpenOption.APPEND));
        } catch (IOException | InvalidPathException | UnsupportedOperationException | SecurityException e) {
            throw new ConfigurationException(SettingNames.DECISION_LOG_OUTPUT, "cannot open '" + where
                    + "' for appending: " + e, e);
        }
    }

    /** The buffer's size kept between writes: a chunk of ASCII lines and some. */
    private static final int KEPT_BYTES = 40 * 1024;

    /** The buffer a write's bytes are encoded into; grown for a large write, dropped after an outsized one. */
    private byte[] bytes = new byte[KEPT_BYTES];

    /** Writes {@code lines} (whole lines, each ending with a newline) at once. */
    final void write(CharSequence lines) throws IOException {
        int length = encode(lines);
        try {
            write(bytes, length);
        } finally {
            if (bytes.length > 4 * KEPT_BYTES) {
                bytes = new byte[KEPT_BYTES]; // an outsized batch does not keep its buffer
            }
        }
    }

    /** Writes {@code length} bytes of {@code bytes} at once. */
    abstract void write(byte[] bytes, int length) throws IOException;

    /** Releases the file; the standard streams stay open. */
    abstract void close();

    /**
     * Encodes {@code text} into {@link #bytes} as {@code String.getBytes(UTF_8)} would (a lone
     * surrogate becomes {@code '?'}), growing it if needed; returns the number of bytes.
     */
    int encode(CharSequence text) {
        int n = text.length();
        if (bytes.length < 3 * n) { // at most 3 bytes per char (a surrogate pair: 4 for 2)
            bytes = new byte[Math.max(3 * n, KEPT_BYTES)];
        }
        byte[] out = bytes;
        int at = 0;
        for (int i = 0; i < n; i++) {
            char c = text.charAt(i);
            if (c < 0x80) {
                out[at++] = (byte) c;
            } else if (c < 0x800) {
                out[at++] = (byte) (0xC0 | c >> 6);
                out[at++] = (byte) (0x80 | c & 0x3F);
            } else if (Character.isSurrogate(c)) {
                char low = i + 1 < n ? text.charAt(i + 1) : 0;
                if (Character.isHighSurrogate(c) && Character.isLowSurrogate(low)) {
                    int cp = Character.toCodePoint(c, low);
                    out[at++] = (byte) (0xF0 | cp >> 18);
                    out[at++] = (byte) (0x80 | cp >> 12 & 0x3F);
                    out[at++] = (byte) (0x80 | cp >> 6 & 0x3F);
                    out[at++] = (byte) (0x80 | cp & 0x3F);
                    i++;
                } else {
                    out[at++] = '?';
                }
            } else {
                out[at++] = (byte) (0xE0 | c >> 12);
                out[at++] = (byte) (0x80 | c >> 6 & 0x3F);
                out[at++] = (byte) (0x80 | c & 0x3F);
            }
        }
        return at;
    }

    /** The buffer {@link #encode} wrote into; for tests. */
    byte[] encoded() {
        return bytes;
    }

    /** {@code System.out} or {@code System.err}, looked up at each write (an application may replace it). */
    private static final class Stream extends Output {
        private final String name;
        private final Supplier<PrintStream> stream;

        Stream(String name, Supplier<PrintStream> stream) {
            this.name = name;
            this.stream = stream;
        }

        @Override
        void write(byte[] bytes, int length) throws IOException {
            PrintStream out = stream.get();
            out.write(bytes, 0, length); // one synchronized write: the lines stay whole among other output
            if (out.checkError()) { // flushes, then tells whether any write or flush failed
                throw new IOException("the " + name + " stream reports an error");
            }
        }

        @Override
        void close() {
        }

        @Override
        public String toString() {
            return name;
        }
    }

    /** A file opened for appending. */
    private static final class File extends Output {
        private final Path path;
        private final FileChannel channel;

        File(Path path, FileChannel channel) {
            this.path = path;
            this.channel = channel;
        }

        @Override
        void write(byte[] bytes, int length) throws IOException {
            ByteBuffer buffer = ByteBuffer.wrap(bytes, 0, length);
            while (buffer.hasRemaining()) {
                channel.write(buffer);
            }
        }

        @Override
        void close() {
            try {
                channel.close();
            } catch (IOException e) {
                // nothing left to write: the lines were written batch by batch
            }
        }

        @Override
        public String toString() {
            return path.toString();
        }
    }
}
