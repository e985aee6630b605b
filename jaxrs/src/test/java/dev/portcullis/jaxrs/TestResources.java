package dev.portcullis.jaxrs;

import jakarta.annotation.security.DenyAll;
import jakarta.annotation.security.PermitAll;
import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.SecurityContext;

/** The resource classes every runtime in these tests serves, unchanged. */
final class TestResources {
    private TestResources() {
    }

    static String describe(SecurityContext security) {
        if (security == null || security.getUserPrincipal() == null) {
            return "anonymous";
        }
        return security.getUserPrincipal().getName() + " scheme=" + security.getAuthenticationScheme()
                + " admin=" + security.isUserInRole("admin");
    }

    /** Public for everyone. */
    @Path("/open")
    @PermitAll
    @Produces(MediaType.TEXT_PLAIN)
    public static class OpenResource {
        @GET
        public String hello(@Context SecurityContext security) {
            return "hello " + describe(security) + " user=" + (security != null && security.isUserInRole("user"));
        }
    }

    /** No class-level annotation: each method says what it needs, or the unannotated mode decides. */
    @Path("/things")
    @Produces(MediaType.TEXT_PLAIN)
    public static class ThingResource {
        @GET
        @Path("plain")
        public String plain(@Context SecurityContext security) {
            return "plain " + describe(security);
        }

        @GET
        @Path("denied")
        @DenyAll
        public String denied() {
            return "never";
        }

        @GET
        @Path("admin")
        @RolesAllowed("admin")
        public String admin(@Context SecurityContext security) {
            return "admin " + describe(security);
        }
    }

    /** Class-level @DenyAll, overridden by one method. */
    @Path("/locked")
    @DenyAll
    @Produces(MediaType.TEXT_PLAIN)
    public static class LockedResource {
        @GET
        @Path("public")
        @PermitAll
        public String open() {
            return "unlocked";
        }

        @GET
        @Path("still-locked")
        public String locked() {
            return "never";
        }
    }

    /** Needs policies: class-level permission, method-level override with a path-parameter id. */
    @Path("/documents")
    @RequiresPermission("document:list")
    @Produces(MediaType.TEXT_PLAIN)
    public static class DocumentResource {
        @GET
        public String list(@Context SecurityContext security) {
            return "list " + describe(security);
        }

        @GET
        @Path("{docId}")
        @RequiresPermission(resource = "document", action = "read", id = "{docId}")
        public String read(@PathParam("docId") String docId, @Context SecurityContext security) {
            return "document " + docId + " for " + describe(security);
        }

        @GET
        @Path("by-query")
        @RequiresPermission(resource = "document", action = "read", id = "{query:doc}")
        public String byQuery(@QueryParam("doc") String doc) {
            return "document " + doc;
        }

        @GET
        @Path("help")
        @PermitAll
        public String help() {
            return "help";
        }
    }

    /** Scoped policies: the tenant comes from the path ({@code scope = "acme.{tenant}"}). */
    @Path("/tenants/{tenant}/docs")
    public static class TenantResource {
        @GET
        @Path("{docId}")
        @RequiresPermission(resource = "tenant_doc", action = "read", id = "{docId}", scope = "acme.{tenant}")
        public String read(@PathParam("docId") String docId) {
            return "tenant document " + docId;
        }

        @GET
        @Path("{docId}/v2")
        @RequiresPermission(resource = "tenant_doc", action = "read", id = "{docId}", policyVersion = "v2")
        public String readV2(@PathParam("docId") String docId) {
            return "tenant document " + docId + " (v2)";
        }
    }

    /**
     * What an application reads from the request properties Portcullis sets, copied into response
     * headers: the allowing decision's rule outputs ({@code dev.portcullis.authorization}) and the
     * verified token's subject ({@code dev.portcullis.identity}).
     */
    @jakarta.ws.rs.ext.Provider
    public static class ApplicationHeaders implements jakarta.ws.rs.container.ContainerResponseFilter {
        @Override
        public void filter(jakarta.ws.rs.container.ContainerRequestContext request,
                           jakarta.ws.rs.container.ContainerResponseContext response) {
            Object a = request.getProperty(dev.portcullis.Portcullis.AUTHORIZATION_ATTRIBUTE);
            if (a instanceof dev.portcullis.Authorization) {
                response.getHeaders().putSingle("X-Policy-Outputs", ((dev.portcullis.Authorization) a).outputs().toString());
            }
            Object identity = request.getProperty(dev.portcullis.Portcullis.IDENTITY_ATTRIBUTE);
            if (identity instanceof dev.portcullis.token.VerifiedToken) {
                response.getHeaders().putSingle("X-Identity", ((dev.portcullis.token.VerifiedToken) identity).subject());
            } else if (identity != null) {
                response.getHeaders().putSingle("X-Identity", "unexpected " + identity.getClass().getName());
            }
        }
    }
}
