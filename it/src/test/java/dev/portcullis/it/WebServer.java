package dev.portcullis.it;

import java.net.URI;
import java.nio.file.Path;
import java.util.List;

/**
 * A running server with the demo WAR (or another WAR) deployed at the root context, on a loopback
 * port. Closing it stops the server and everything it started.
 *
 * <p>Thread safety: implementations may be closed from any thread.
 */
public interface WebServer extends AutoCloseable {
    /** A short name for logs and test names, e.g. {@code jetty-12.0}. */
    String name();

    /** {@code http://127.0.0.1:<port>/}. */
    URI baseUri();

    /** The log files to look at when something fails. */
    List<Path> logs();

    /** The end of the logs, for failure messages. */
    default String logTail(int lines) {
        StringBuilder sb = new StringBuilder();
        for (Path log : logs()) {
            sb.append("---- ").append(log).append('\n').append(ServerProcess.tail(log, lines)).append('\n');
        }
        return sb.toString();
    }

    @Override
    void close();
}
