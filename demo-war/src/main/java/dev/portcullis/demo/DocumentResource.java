package dev.portcullis.demo;

import dev.portcullis.jaxrs.RequiresPermission;

import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.SecurityContext;

import org.jose4j.json.JsonUtil;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Documents, protected with one annotation per method. The application code contains no
 * authorization logic at all: Portcullis decides each call from fresh attributes and policies.
 */
@Path("/documents/{id}")
@Produces(MediaType.APPLICATION_JSON)
public class DocumentResource {
    private final DocumentStore store;

    public DocumentResource(DocumentStore store) {
        this.store = store;
    }

    @GET
    @RequiresPermission(resource = "document", action = "read", id = "{id}")
    public Response read(@PathParam("id") String id, @Context SecurityContext security) throws SQLException {
        try (Connection c = store.connect();
             PreparedStatement ps = c.prepareStatement("SELECT id, owner, title, body FROM demo_document WHERE id = ?")) {
            ps.setString(1, id);
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    return Response.status(404).build();
                }
                Map<String, Object> doc = new LinkedHashMap<>();
                doc.put("id", rs.getString(1));
                doc.put("owner", rs.getString(2));
                doc.put("title", rs.getString(3));
                doc.put("body", rs.getString(4));
                doc.put("reader", security.getUserPrincipal().getName());
                return Response.ok(JsonUtil.toJson(doc) + "\n").build();
            }
        }
    }

    @PUT
    @Consumes({MediaType.TEXT_PLAIN, MediaType.APPLICATION_JSON, MediaType.WILDCARD})
    @RequiresPermission(resource = "document", action = "update", id = "{id}")
    public Response update(@PathParam("id") String id, String body) throws SQLException {
        try (Connection c = store.connect();
             PreparedStatement ps = c.prepareStatement("UPDATE demo_document SET body = ? WHERE id = ?")) {
            ps.setString(1, body == null ? "" : body);
            ps.setString(2, id);
            return ps.executeUpdate() == 0 ? Response.status(404).build()
                    : Response.ok("{\"updated\":\"" + id + "\"}\n").build();
        }
    }

    @DELETE
    @RequiresPermission("document:delete")
    public Response delete(@PathParam("id") String id) throws SQLException {
        try (Connection c = store.connect();
             PreparedStatement ps = c.prepareStatement("DELETE FROM demo_document WHERE id = ?")) {
            ps.setString(1, id);
            ps.executeUpdate();
            return Response.ok("{\"deleted\":\"" + id + "\"}\n").build();
        }
    }
}
