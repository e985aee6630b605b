package dev.portcullis.internal.audit;

import dev.portcullis.config.ConfigurationException;
import dev.portcullis.config.SettingNames;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.function.Supplier;

/**
 * Where the decision log's writer puts a batch of lines when {@value SettingNames#DECISION_LOG_OUTPUT}
 * is not {@value #LOGGER}: the process's standard output or error stream, or a file opened for
 * appending. Each {@link #write} is one batch of whole lines, written at once.
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

    /** Writes {@code lines} (whole lines, each ending with a newline) at once. */
    abstract void write(CharSequence lines) throws IOException;

    /** Releases the file; the standard streams stay open. */
    abstract void close();

    private static byte[] utf8(CharSequence lines) {
        return lines.toString().getBytes(StandardCharsets.UTF_8);
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
        void write(CharSequence lines) throws IOException {
            byte[] bytes = utf8(lines);
            PrintStream out = stream.get();
            out.write(bytes, 0, bytes.length); // one synchronized write: the lines stay whole among other output
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
        void write(CharSequence lines) throws IOException {
            ByteBuffer buffer = ByteBuffer.wrap(utf8(lines));
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
