package dev.portcullis.it;

import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A real Terracotta server from the Ehcache clustered kit (unpacked by the build into the
 * directory named by the system property {@code it.terracotta.kit}), started as a separate
 * {@link ServerProcess} (log under {@code it/target/it-logs}) on 127.0.0.1 with a free port and a {@code main} off-heap resource, auto-activated.
 * {@link #kill()} ends it abruptly (as a crash would), {@link #start()} starts it again on the same
 * port with empty state; {@link #close()} always stops it.
 *
 * <p>Thread safety: not thread-safe; one test thread drives it.
 */
final class TerracottaServer implements AutoCloseable {
    private static final Duration STARTUP = Duration.ofSeconds(120);

    private final Path kit;
    private final Path work;
    private final int port;
    private final int groupPort;
    private final int offHeapMb;
    private ServerProcess process;
    private int starts;

    TerracottaServer(Path work, int offHeapMb) {
        String kitDir = System.getProperty("it.terracotta.kit");
        if (kitDir == null) {
            throw new IllegalStateException("it.terracotta.kit is not set: run the *IT tests with mvn verify");
        }
        this.kit = Path.of(kitDir);
        this.work = work;
        this.port = freePort();
        this.groupPort = freePort();
        this.offHeapMb = offHeapMb;
    }

    /** The cluster URI of an entity on this server. */
    URI uri(String entity) {
        return URI.create("terracotta://127.0.0.1:" + port + "/" + entity);
    }

    int port() {
        return port;
    }

    /** Starts the server (fresh state) and waits until it is ready for work. */
    TerracottaServer start() throws IOException, InterruptedException {
        if (process != null && process.isAlive()) {
            throw new IllegalStateException("already running");
        }
        // a fresh directory: a config directory left by an earlier run would pin its old ports
        Path dir = work.resolve("run-" + (++starts) + "-" + System.currentTimeMillis());
        Files.createDirectories(dir);
        boolean windows = System.getProperty("os.name").toLowerCase(java.util.Locale.ROOT).contains("win");
        Path script = kit.resolve("server/bin/start-tc-server" + (windows ? ".bat" : ".sh"));
        List<String> command = new ArrayList<>(List.of(
                script.toString(), "-cluster-name", "portcullis", "-name", "n1",
                "-hostname", "127.0.0.1", "-bind-address", "127.0.0.1", "-group-bind-address", "127.0.0.1",
                "-port", Integer.toString(port), "-group-port", Integer.toString(groupPort),
                "-offheap-resources", "main:" + offHeapMb + "MB", "-auto-activate",
                "-log-dir", dir.resolve("logs").toString(), "-config-dir", dir.resolve("config").toString(),
                "-metadata-dir", dir.resolve("meta").toString()));
        if (!windows) {
            command.add(0, "sh");
        }
        process = ServerProcess.builder("terracotta-" + port + "-" + starts, command)
                .directory(dir)
                .environment("JAVA_HOME", ServerProcess.javaHome().toString())
                .environment("JAVA_OPTS", "-Xms64m -Xmx256m -XX:MaxDirectMemorySize=" + (offHeapMb + 64) + "m")
                .start();
        Path log = process.log();
        Instant deadline = Instant.now().plus(STARTUP);
        while (Instant.now().isBefore(deadline)) {
            String out = Files.exists(log) ? Files.readString(log, StandardCharsets.UTF_8) : "";
            if (out.contains("ready for work")) {
                return this;
            }
            if (!process.isAlive()) {
                throw new IllegalStateException("the Terracotta server exited; its log is " + log + ":\n"
                        + tail(out));
            }
            Thread.sleep(200);
        }
        kill();
        throw new IllegalStateException("the Terracotta server was not ready within " + STARTUP + "; see " + log);
    }

    /** Ends the server process and its children at once (SIGKILL), as a crash would. */
    void kill() {
        ServerProcess p = process;
        if (p == null) {
            return;
        }
        ProcessHandle.of(p.pid()).ifPresent(root -> {
            List<ProcessHandle> tree = new ArrayList<>(root.descendants().toList());
            tree.add(root);
            tree.forEach(ProcessHandle::destroyForcibly);
            for (ProcessHandle h : tree) {
                h.onExit().orTimeout(30, TimeUnit.SECONDS).exceptionally(e -> null).join();
            }
        });
        p.close(); // releases what ServerProcess holds (nothing is left to stop)
        process = null;
    }

    @Override
    public void close() {
        kill();
    }

    private static String tail(String s) {
        return s.length() <= 4000 ? s : s.substring(s.length() - 4000);
    }

    static int freePort() {
        return FreePorts.next();
    }
}
