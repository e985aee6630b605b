package dev.portcullis.demo;

import jakarta.servlet.RequestDispatcher;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import java.io.IOException;

/**
 * {@code GET /admin/console}: a plain legacy servlet that only the route table protects
 * ({@code WEB-INF/routes.yaml}: the console is where user accounts are disabled, so it needs the
 * policy action {@code disable} on resource kind {@code user}, which only admins have). Anything
 * else under {@code /admin/} is not found.
 */
public final class AdminConsoleServlet extends HttpServlet {
    private static final long serialVersionUID = 1L;

    @Override
    protected void doGet(HttpServletRequest req, HttpServletResponse resp) throws IOException {
        // when included, the request's own getters describe the including page
        Object included = req.getAttribute(RequestDispatcher.INCLUDE_PATH_INFO);
        if (!"/console".equals(included != null ? included : req.getPathInfo())) {
            resp.sendError(HttpServletResponse.SC_NOT_FOUND);
            return;
        }
        resp.setContentType("application/json");
        // the writer, not the stream: an including page may have used the writer already
        resp.setCharacterEncoding("UTF-8");
        resp.getWriter().write("{\"console\":\"admin\",\"user\":\"" + req.getRemoteUser() + "\"}\n");
    }
}
