package dev.portcullis.demo;

import dev.portcullis.BearerPrincipal;
import dev.portcullis.Portcullis;
import dev.portcullis.jaxrs.RequiresPermission;

import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.SecurityContext;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;

/** Administration: disabling a user takes effect on his very next request. */
@Path("/admin/users/{id}")
@Produces(MediaType.APPLICATION_JSON)
public class AdminResource {
    private final Portcullis portcullis;
    private final DocumentStore store;

    public AdminResource(Portcullis portcullis, DocumentStore store) {
        this.portcullis = portcullis;
        this.store = store;
    }

    @POST
    @Path("/disable")
    @RequiresPermission(resource = "user", action = "disable", id = "{id}")
    public Response disable(@PathParam("id") String id, @Context SecurityContext security) throws SQLException {
        String issuer = ((BearerPrincipal) security.getUserPrincipal()).issuer();
        try (Connection c = store.connect();
             PreparedStatement ps = c.prepareStatement(
                     "UPDATE portcullis_principal SET status = 'DISABLED', version = version + 1"
                             + " WHERE issuer = ? AND subject = ?")) {
            ps.setString(1, issuer);
            ps.setString(2, id);
            if (ps.executeUpdate() == 0) {
                return Response.status(404).build();
            }
        }
        // The store says DISABLED; revoke makes the very next request read it, not the cache.
        portcullis.revoke(issuer, id);
        return Response.ok("{\"disabled\":\"" + id + "\"}\n").build();
    }

    /** Undoes {@link #disable}: the store says ACTIVE again and the next request reads it. */
    @POST
    @Path("/enable")
    @RequiresPermission(resource = "user", action = "enable", id = "{id}")
    public Response enable(@PathParam("id") String id, @Context SecurityContext security) throws SQLException {
        String issuer = ((BearerPrincipal) security.getUserPrincipal()).issuer();
        try (Connection c = store.connect();
             PreparedStatement ps = c.prepareStatement(
                     "UPDATE portcullis_principal SET status = 'ACTIVE', version = version + 1"
                             + " WHERE issuer = ? AND subject = ?")) {
            ps.setString(1, issuer);
            ps.setString(2, id);
            if (ps.executeUpdate() == 0) {
                return Response.status(404).build();
            }
        }
        portcullis.revoke(issuer, id);
        return Response.ok("{\"enabled\":\"" + id + "\"}\n").build();
    }
}
