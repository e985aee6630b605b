package dev.portcullis.demo;

import dev.portcullis.Authorization;

import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.container.ContainerResponseContext;
import jakarta.ws.rs.container.ContainerResponseFilter;

/**
 * Demo only: answers an allowed call with the id of the decision that allowed it
 * ({@code Portcullis-Decision}), so that the console can find that decision in the decision log;
 * a refusal carries it in its problem body ({@code decision_id}) already.
 */
public final class DecisionHeader implements ContainerResponseFilter {
    /** The response header. */
    public static final String HEADER = "Portcullis-Decision";

    @Override
    public void filter(ContainerRequestContext request, ContainerResponseContext response) {
        Object authorization = request.getProperty("dev.portcullis.authorization");
        if (authorization instanceof Authorization) {
            response.getHeaders().putSingle(HEADER, ((Authorization) authorization).decisionId());
        }
    }
}
