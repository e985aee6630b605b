package dev.portcullis.demo;

import dev.portcullis.jaxrs.QueryPlans;
import dev.portcullis.policy.plan.Plan;
import dev.portcullis.policy.plan.SqlWhere;

import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
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
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The documents the caller may read: the policies' answer for "read" on documents becomes a query
 * plan, pushed into the SQL query as a {@code WHERE} fragment with bound values. No decision per
 * row, and no authorization logic here: the same policies that decide {@code GET
 * /api/documents/{id}} decide the list.
 *
 * <p>Unannotated, so the feature's default admits only an authenticated, active principal (a
 * disabled user is refused with 403 before this runs).
 */
@Path("/documents")
@Produces(MediaType.APPLICATION_JSON)
public class DocumentListResource {
    /** The resource attributes the policies read, and the columns that hold them. */
    static final Map<String, String> COLUMNS = Map.of("owner", "owner");

    private final DocumentStore store;
    private final QueryPlans plans;

    public DocumentListResource(DocumentStore store, QueryPlans plans) {
        this.store = store;
        this.plans = plans;
    }

    @GET
    public Response list(@Context SecurityContext security) throws SQLException {
        Plan plan = plans.plan(security, "document", "read");
        SqlWhere where = SqlWhere.of(plan, COLUMNS);
        List<Map<String, Object>> docs = new ArrayList<>();
        try (Connection c = store.connect();
             PreparedStatement ps = c.prepareStatement("SELECT id, owner, title FROM demo_document WHERE "
                     + where.sql() + " ORDER BY id")) {
            where.bind(ps, 1);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    Map<String, Object> doc = new LinkedHashMap<>();
                    doc.put("id", rs.getString(1));
                    doc.put("owner", rs.getString(2));
                    doc.put("title", rs.getString(3));
                    docs.add(doc);
                }
            }
        }
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("documents", docs);
        body.put("plan", plan.kind().name());
        return Response.ok(JsonUtil.toJson(body) + "\n").build();
    }
}
