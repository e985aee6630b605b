package dev.portcullis.demo;

import dev.portcullis.servlet.PortcullisFilter;

import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import java.io.IOException;

/**
 * {@code GET /portal/forward} and {@code GET /portal/include}: a legacy page that any
 * authenticated caller may open and that forwards to, or includes, the admin console. The filter is
 * mapped for FORWARD and INCLUDE dispatches too (web.xml), so the console's route decides the
 * dispatch: a non-admin gets a refusal instead of the console.
 */
public final class PortalServlet extends HttpServlet {
    private static final long serialVersionUID = 1L;

    @Override
    protected void doGet(HttpServletRequest req, HttpServletResponse resp) throws ServletException, IOException {
        if ("/forward".equals(req.getPathInfo())) {
            req.getRequestDispatcher("/admin/console").forward(req, resp);
        } else if ("/include".equals(req.getPathInfo())) {
            resp.setContentType("text/plain");
            resp.getWriter().write("portal:");
            req.getRequestDispatcher("/admin/console").include(req, resp);
            Object refused = req.getAttribute(PortcullisFilter.INCLUDE_REFUSAL_ATTRIBUTE);
            resp.getWriter().write(refused == null ? ":end\n" : "(console refused: " + refused + "):end\n");
        } else {
            resp.sendError(HttpServletResponse.SC_NOT_FOUND);
        }
    }
}
