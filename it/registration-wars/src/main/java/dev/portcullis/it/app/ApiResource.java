package dev.portcullis.it.app;

import jakarta.annotation.security.DenyAll;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.SecurityContext;

/** {@code whoami} answers the principal; {@code denied} is {@code @DenyAll}: 403 only if PortcullisFeature is on. */
@Path("/")
public class ApiResource {
    @GET
    @Path("whoami")
    @Produces("text/plain")
    public String whoami(@Context SecurityContext security) {
        return "principal=" + (security.getUserPrincipal() == null ? "none" : security.getUserPrincipal().getName())
                + "\nscheme=" + security.getAuthenticationScheme() + "\n";
    }

    @GET
    @Path("denied")
    @Produces("text/plain")
    @DenyAll
    public String denied() {
        return "reached";
    }
}
