package dev.portcullis.it.app;

import jakarta.servlet.AsyncContext;
import jakarta.servlet.annotation.WebServlet;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

/**
 * An application's asynchronous servlet: puts {@code /hop/X} in asynchronous mode, returns, and
 * from another thread dispatches the request ({@code AsyncContext.dispatch}) to {@code /X}, after
 * every filter of the original dispatch has returned.
 *
 * <p>Thread safety: stateless.
 */
@WebServlet(name = "hop", urlPatterns = "/hop/*", asyncSupported = true)
public class HopServlet extends HttpServlet {
    private static final long serialVersionUID = 1L;

    @Override
    protected void doGet(HttpServletRequest req, HttpServletResponse resp) {
        AsyncContext async = req.startAsync();
        String target = req.getPathInfo();
        Thread later = new Thread(() -> {
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            async.dispatch(target);
        }, "hop-dispatch");
        later.setDaemon(true);
        later.start();
    }
}
