package dev.portcullis.it.app;

import jakarta.annotation.security.DenyAll;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.container.AsyncResponse;
import jakarta.ws.rs.container.Suspended;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.SecurityContext;

/**
 * {@code whoami} answers the principal; {@code denied} is {@code @DenyAll}: 403 only if
 * PortcullisFeature is on. {@code later-whoami} and {@code later-denied} are the same as
 * {@code @Suspended} methods, answered from another thread after the filters have returned.
 */
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

    @GET
    @Path("later-whoami")
    @Produces("text/plain")
    public void laterWhoami(@Context SecurityContext security, @Suspended AsyncResponse response) {
        String answer = whoami(security);
        later(() -> response.resume(answer));
    }

    @GET
    @Path("later-denied")
    @Produces("text/plain")
    @DenyAll
    public void laterDenied(@Suspended AsyncResponse response) {
        later(() -> response.resume("reached"));
    }

    private static void later(Runnable answer) {
        Thread t = new Thread(() -> {
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            answer.run();
        }, "later-answer");
        t.setDaemon(true);
        t.start();
    }
}
