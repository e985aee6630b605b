package dev.portcullis.demo;

import jakarta.servlet.ServletContext;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.container.ContainerRequestFilter;
import jakarta.ws.rs.container.PreMatching;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.SecurityContext;

import org.glassfish.jersey.server.ResourceConfig;

import java.security.Principal;

/**
 * {@link DemoApplication} without Portcullis, for the full-path benchmark's baseline
 * ({@link BareDemoServer}): the same {@link DocumentResource} over the same {@link DocumentStore},
 * but no {@code PortcullisFeature}, no engine and no decision header. The resource reads the
 * caller's name from the {@link SecurityContext}, so a pre-matching filter sets a fixed principal
 * ({@code bench}): that stands in for authentication, and is the only work this side does that the
 * demo does not.
 */
public class BareApplication extends ResourceConfig {
    public BareApplication(@Context ServletContext context) {
        register(new FixedPrincipal());
        register(new DocumentResource(new DocumentStore(DemoSettings.get(context, DemoDatabase.URL, null))));
    }

    /** Sets the caller the resource echoes. */
    @PreMatching
    static final class FixedPrincipal implements ContainerRequestFilter {
        private static final Principal BENCH = () -> "bench";

        @Override
        public void filter(ContainerRequestContext request) {
            request.setSecurityContext(caller(BENCH, null, request.getSecurityContext()));
        }
    }

    /** A security context with {@code caller}, no roles, and the runtime's {@code isSecure}. */
    static SecurityContext caller(Principal caller, String scheme, SecurityContext original) {
        boolean secure = original.isSecure();
        return new SecurityContext() {
            @Override
            public Principal getUserPrincipal() {
                return caller;
            }

            @Override
            public boolean isUserInRole(String role) {
                return false;
            }

            @Override
            public boolean isSecure() {
                return secure;
            }

            @Override
            public String getAuthenticationScheme() {
                return scheme;
            }
        };
    }
}
