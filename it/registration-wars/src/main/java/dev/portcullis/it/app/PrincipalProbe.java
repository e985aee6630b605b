package dev.portcullis.it.app;

import jakarta.servlet.Filter;
import jakarta.servlet.FilterChain;
import jakarta.servlet.FilterConfig;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletRequest;
import jakarta.servlet.ServletResponse;
import jakarta.servlet.http.HttpServletRequest;

import java.io.IOException;
import java.security.Principal;

/**
 * The application's own filter that reads the principal, as an application's audit or tenant
 * filter would: it must run after Portcullis. Records what it saw and how many times it ran as
 * request attributes. Thread safety: stateless.
 */
public class PrincipalProbe implements Filter {
    public static final String PRINCIPAL_ATTRIBUTE = "probe.principal";
    public static final String PASSES_ATTRIBUTE = "probe.passes";

    /** Declared for Servlet 3.1 containers (Jetty 9.4), whose interface has no default. */
    @Override
    public void init(FilterConfig config) {
        // nothing to read
    }

    @Override
    public void destroy() {
        // nothing to release
    }

    @Override
    public void doFilter(ServletRequest req, ServletResponse res, FilterChain chain)
            throws IOException, ServletException {
        Principal p = ((HttpServletRequest) req).getUserPrincipal();
        req.setAttribute(PRINCIPAL_ATTRIBUTE, p == null ? "none" : p.getName());
        Object passes = req.getAttribute(PASSES_ATTRIBUTE);
        req.setAttribute(PASSES_ATTRIBUTE, passes == null ? 1 : (Integer) passes + 1);
        chain.doFilter(req, res);
    }
}
