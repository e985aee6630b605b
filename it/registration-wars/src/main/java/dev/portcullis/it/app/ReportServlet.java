package dev.portcullis.it.app;

import jakarta.servlet.FilterRegistration;
import jakarta.servlet.ServletContext;
import jakarta.servlet.ServletRequest;
import jakarta.servlet.ServletRequestWrapper;
import jakarta.servlet.annotation.WebServlet;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import java.io.IOException;
import java.security.Principal;
import java.util.Map;
import java.util.TreeMap;

/**
 * Reports, as {@code name=value} lines, what the application sees after the filters:
 * {@code principal}, {@code portcullis-passes} (how many Portcullis request wrappers the request
 * went through: one per filter pass), {@code portcullis-filters} (registered filters that are
 * PortcullisFilter or a subclass, by name), {@code probe-principal} and {@code probe-passes}
 * (what the application's own later filter saw, and how often it ran).
 *
 * <p>Thread safety: stateless.
 */
@WebServlet(name = "report", urlPatterns = "/report")
public class ReportServlet extends HttpServlet {
    private static final long serialVersionUID = 1L;
    private static final String PORTCULLIS_FILTER = "dev.portcullis.servlet.PortcullisFilter";

    @Override
    protected void doGet(HttpServletRequest req, HttpServletResponse resp) throws IOException {
        int passes = 0;
        for (ServletRequest r = req; r instanceof ServletRequestWrapper; r = ((ServletRequestWrapper) r).getRequest()) {
            if (r.getClass().getName().equals("dev.portcullis.servlet.AuthenticatedRequest")) {
                passes++;
            }
        }
        Principal p = req.getUserPrincipal();
        resp.setContentType("text/plain");
        resp.setCharacterEncoding("UTF-8");
        resp.getWriter().print("principal=" + (p == null ? "none" : p.getName()) + "\n"
                + "portcullis-passes=" + passes + "\n"
                + "portcullis-filters=" + portcullisFilters(getServletContext()) + "\n"
                + "probe-principal=" + req.getAttribute(PrincipalProbe.PRINCIPAL_ATTRIBUTE) + "\n"
                + "probe-passes=" + req.getAttribute(PrincipalProbe.PASSES_ATTRIBUTE) + "\n");
    }

    private static Map<String, String> portcullisFilters(ServletContext context) {
        Map<String, String> out = new TreeMap<>();
        for (Map.Entry<String, ? extends FilterRegistration> e : context.getFilterRegistrations().entrySet()) {
            String className = e.getValue().getClassName();
            try {
                for (Class<?> k = Class.forName(className, false, context.getClassLoader()); k != null; k = k.getSuperclass()) {
                    if (k.getName().equals(PORTCULLIS_FILTER)) {
                        out.put(e.getKey(), className);
                    }
                }
            } catch (ClassNotFoundException | LinkageError ignored) {
                // not an application class: not Portcullis
            }
        }
        return out;
    }
}
