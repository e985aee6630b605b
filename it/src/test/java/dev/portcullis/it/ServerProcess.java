package dev.portcullis.it;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A server started as its own operating-system process, with its output in a log file under
 * {@code it/target/it-logs}, stopped with its whole process tree on {@link #close()} or, should the
 * test JVM end first, by a shutdown hook.
 *
 * <pre>{@code
 * try (ServerProcess p = ServerProcess.builder("jetty", List.of(java, "-jar", "start.jar"))
 *         .directory(base).environment(env).start()) {
 *     p.waitForHttp(URI.create("http://127.0.0.1:" + port + "/health"), Duration.ofSeconds(60));
 *     ...
 * }
 * }</pre>
 *
 * <p>Thread safety: {@link #close()} may be called from any thread, more than once.
 */
public final class ServerProcess implements AutoCloseable {
    private static final Duration GRACE = Duration.ofSeconds(15);

    private final String name;
    private final Process process;
    private final Path log;
    private final Thread hook;

    private ServerProcess(String name, Process process, Path log) {
        this.name = name;
        this.process = process;
        this.log = log;
        this.hook = new Thread(() -> destroyTree(process, Duration.ofSeconds(5)), "stop-" + name);
        Runtime.getRuntime().addShutdownHook(hook);
    }

    public static Builder builder(String name, List<String> command) {
        return new Builder(name, command);
    }

    /** The JDK running the tests, to run the servers with: {@code java.home}. */
    public static Path javaHome() {
        return Path.of(System.getProperty("java.home"));
    }

    /** The {@code java} launcher of {@link #javaHome()}. */
    public static String java() {
        return javaHome().resolve("bin").resolve("java").toString();
    }

    public String name() {
        return name;
    }

    public long pid() {
        return process.pid();
    }

    public boolean isAlive() {
        return process.isAlive();
    }

    /** The file receiving the process's standard output and error. */
    public Path log() {
        return log;
    }

    /** The last {@code lines} lines of the log, for failure messages. */
    public String logTail(int lines) {
        return tail(log, lines);
    }

    static String tail(Path file, int lines) {
        try {
            List<String> all = Files.readAllLines(file, StandardCharsets.UTF_8);
            return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
        } catch (IOException | UncheckedIOException e) {
            return "(cannot read " + file + ": " + e + ")";
        }
    }

    /**
     * Waits until {@code uri} answers 200, failing early (with the end of the log) if the process
     * dies or the time runs out.
     */
    public void waitForHttp(URI uri, Duration timeout) {
        waitForHttp(uri, timeout, List.of());
    }

    /**
     * As {@link #waitForHttp(URI, Duration)}, also failing as soon as the log shows one of
     * {@code failureMarkers} (e.g. Tomcat's {@code startup failed due to previous errors}), since
     * a server whose application failed keeps running and answers 404.
     */
    public void waitForHttp(URI uri, Duration timeout, List<String> failureMarkers) {
        waitForHttp(uri, timeout, () -> isAlive() && !logShowsAny(failureMarkers),
                () -> name + " (pid " + pid() + ", log " + log + "):\n" + logTail(40));
    }

    private boolean logShowsAny(List<String> markers) {
        if (markers.isEmpty()) {
            return false;
        }
        try {
            String text = Files.readString(log, StandardCharsets.UTF_8);
            return markers.stream().anyMatch(text::contains);
        } catch (IOException | UncheckedIOException e) {
            return false;
        }
    }

    static void waitForHttp(URI uri, Duration timeout, java.util.function.BooleanSupplier alive,
                            java.util.function.Supplier<String> diagnosis) {
        HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
        long deadline = System.nanoTime() + timeout.toNanos();
        String last = "no answer";
        while (System.nanoTime() < deadline) {
            if (!alive.getAsBoolean()) {
                throw new IllegalStateException("failed before " + uri + " answered: " + diagnosis.get());
            }
            try {
                HttpResponse<String> r = client.send(HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(5)).GET().build(),
                        HttpResponse.BodyHandlers.ofString());
                if (r.statusCode() == 200) {
                    return;
                }
                last = "status " + r.statusCode();
            } catch (IOException e) {
                last = e.toString();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted waiting for " + uri, e);
            }
            try {
                Thread.sleep(250);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted waiting for " + uri, e);
            }
        }
        throw new IllegalStateException(uri + " did not answer 200 within " + timeout + " (last: " + last + "): "
                + diagnosis.get());
    }

    /** Stops the process and all its descendants: politely, then forcibly after a grace period. */
    @Override
    public void close() {
        destroyTree(process, GRACE);
        try {
            Runtime.getRuntime().removeShutdownHook(hook);
        } catch (IllegalStateException e) {
            // the JVM is already shutting down: the hook runs anyway
        }
    }

    static void destroyTree(Process process, Duration grace) {
        List<ProcessHandle> tree = new ArrayList<>();
        process.descendants().forEach(tree::add);
        tree.add(process.toHandle());
        for (ProcessHandle h : tree) {
            h.destroy();
        }
        long deadline = System.nanoTime() + grace.toNanos();
        for (ProcessHandle h : tree) {
            long left = Math.max(0, deadline - System.nanoTime());
            try {
                h.onExit().get(left, TimeUnit.NANOSECONDS);
            } catch (Exception e) {
                h.destroyForcibly();
            }
        }
        for (ProcessHandle h : tree) {
            if (h.isAlive()) {
                h.destroyForcibly();
            }
        }
        try {
            process.waitFor(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Builds and starts a {@link ServerProcess}. Not thread-safe. */
    public static final class Builder {
        private final String name;
        private final List<String> command;
        private Path directory;
        private final java.util.Map<String, String> environment = new java.util.LinkedHashMap<>();
        private final List<String> removed = new ArrayList<>();

        private Builder(String name, List<String> command) {
            this.name = name;
            this.command = List.copyOf(command);
        }

        public Builder directory(Path directory) {
            this.directory = directory;
            return this;
        }

        /** Adds environment variables (over the test JVM's own). */
        public Builder environment(Map<String, String> variables) {
            environment.putAll(variables);
            return this;
        }

        public Builder environment(String name, String value) {
            environment.put(name, value);
            return this;
        }

        /** Removes inherited environment variables starting with {@code prefix}. */
        public Builder withoutInherited(String prefix) {
            removed.add(prefix);
            return this;
        }

        public ServerProcess start() {
            Path log = ItPaths.logs().resolve(name + ".log");
            ProcessBuilder pb = new ProcessBuilder(command);
            if (directory != null) {
                pb.directory(directory.toFile());
            }
            pb.environment().keySet().removeIf(k -> removed.stream().anyMatch(k::startsWith));
            pb.environment().putAll(environment);
            pb.redirectErrorStream(true);
            pb.redirectOutput(log.toFile());
            pb.redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
            try {
                Files.writeString(log, "");
                return new ServerProcess(name, pb.start(), log);
            } catch (IOException e) {
                throw new UncheckedIOException("cannot start " + name + ": " + command, e);
            }
        }
    }
}
