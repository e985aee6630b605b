package dev.portcullis.demo;

import jakarta.annotation.Priority;
import jakarta.servlet.ServletContext;
import jakarta.ws.rs.Priorities;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.container.ContainerRequestFilter;
import jakarta.ws.rs.container.DynamicFeature;
import jakarta.ws.rs.core.Context;

import org.glassfish.jersey.server.ResourceConfig;

import java.security.Principal;
import java.util.List;

/**
 * {@link FrameDemoServer}'s JAX-RS application: {@link DemoApplication}'s documents resource and
 * decision header, with the filters {@code PortcullisFeature} registers (an authentication filter
 * installing a security context from the servlet filter's identity, and an authorization filter
 * per resource method that reads the method's id parameter and leaves a fixed allowing
 * {@code Authorization} for the header) deciding nothing.
 */
public class FrameApplication extends ResourceConfig {
    public FrameApplication(@Context ServletContext context) {
        register(new Authentication());
        register((DynamicFeature) (resource, features) -> features.register(new Authorization()));
        register(new DecisionHeader());
        register(new DocumentResource(new DocumentStore(DemoSettings.get(context, DemoDatabase.URL, null))));
    }

    @Priority(Priorities.AUTHENTICATION)
    static final class Authentication implements ContainerRequestFilter {
        @Override
        public void filter(ContainerRequestContext request) {
            request.setSecurityContext(BareApplication.caller((Principal) request.getProperty(FrameFilter.IDENTITY),
                    "Bearer", request.getSecurityContext()));
        }
    }

    @Priority(Priorities.AUTHORIZATION)
    static final class Authorization implements ContainerRequestFilter {
        private static final String AUTHORIZATION = "dev.portcullis.authorization";

        @Override
        public void filter(ContainerRequestContext request) {
            // the allowing decision's place, so that the decision header is written as in the demo
            String id = request.getUriInfo().getPathParameters(true).getFirst("id");
            request.setProperty(AUTHORIZATION, new dev.portcullis.Authorization("frame-" + id, null, null, List.of()));
        }
    }
}
