package dev.portcullis.demo;

import jakarta.servlet.Filter;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletRequest;
import jakarta.servlet.ServletResponse;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletRequestWrapper;

import java.io.IOException;
import java.security.Principal;

/**
 * {@link FrameDemoServer}'s servlet filter: the request attributes and the request wrapper of
 * {@code PortcullisFilter} (engine, hand-off, identity; principal, remote user, auth type, roles),
 * with a fixed caller ({@code frame}) and no decision.
 */
public final class FrameFilter implements Filter {
    static final String IDENTITY = "dev.portcullis.identity";
    private static final Principal FRAME = () -> "frame";

    @Override
    public void doFilter(ServletRequest req, ServletResponse res, FilterChain chain)
            throws IOException, ServletException {
        HttpServletRequest request = (HttpServletRequest) req;
        request.setAttribute("dev.portcullis.engine", this);
        request.removeAttribute("dev.portcullis.outcome");
        request.setAttribute("dev.portcullis.outcome", FRAME);
        request.setAttribute(IDENTITY, FRAME);
        chain.doFilter(new HttpServletRequestWrapper(request) {
            @Override
            public Principal getUserPrincipal() {
                return FRAME;
            }

            @Override
            public String getRemoteUser() {
                return FRAME.getName();
            }

            @Override
            public String getAuthType() {
                return "Bearer";
            }

            @Override
            public boolean isUserInRole(String role) {
                return false;
            }
        }, res);
    }
}
