package dev.portcullis.demo;

import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;

import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import java.io.IOException;
import java.nio.charset.StandardCharsets;

/**
 * The demo console's page and its two feeds (public in the demo, so that the page and a curl can
 * read them; a real application would protect or not expose them): {@code GET /console/} (the
 * page; its scripts and styles are static files beside it), {@code GET /metrics}, Portcullis'
 * meters in the Prometheus text format, and {@code GET /console/decisions}, the last decision-log
 * lines as a JSON array, newest first.
 */
public final class ConsoleServlet extends HttpServlet {
    private static final long serialVersionUID = 1L;

    @Override
    protected void doGet(HttpServletRequest req, HttpServletResponse resp) throws IOException {
        String path = req.getServletPath() + (req.getPathInfo() == null ? "" : req.getPathInfo());
        resp.setHeader("Cache-Control", "no-store");
        if ("/metrics".equals(path)) {
            PrometheusMeterRegistry registry = (PrometheusMeterRegistry) getServletContext()
                    .getAttribute(DemoConsole.REGISTRY);
            resp.setContentType("text/plain; version=0.0.4; charset=utf-8");
            resp.getOutputStream().write(registry.scrape().getBytes(StandardCharsets.UTF_8));
            return;
        }
        if ("/console".equals(path)) {
            resp.sendRedirect(req.getContextPath() + "/console/");
            return;
        }
        if ("/console/".equals(path)) {
            // served here rather than as a welcome file (written when the filter refused
            // Tomcat's welcome-file dispatch /console/index.html with 400; it accepts it now, but
            // this servlet serves the feeds anyway and keeps /console/ the same on every container)
            resp.setContentType("text/html");
            resp.setCharacterEncoding("UTF-8");
            try (java.io.InputStream in = getServletContext().getResourceAsStream("/console/index.html")) {
                in.transferTo(resp.getOutputStream());
            }
            return;
        }
        if ("/console/decisions".equals(path)) {
            RecentDecisions recent = (RecentDecisions) getServletContext().getAttribute(DemoConsole.RECENT);
            resp.setContentType("application/json");
            resp.setCharacterEncoding("UTF-8");
            // each line is already a JSON object written by Portcullis
            resp.getWriter().write("[" + String.join(",\n", recent.newestFirst()) + "]\n");
            return;
        }
        resp.sendError(HttpServletResponse.SC_NOT_FOUND);
    }
}
