package dev.portcullis.jaxrs;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Requires that the policy allow the caller an action on a resource before a JAX-RS resource
 * method runs. {@link PortcullisFeature} reads it once, at deployment, and asks
 * {@code Portcullis.authorize(token, resource, id, action, method, path)} on every request, from
 * the principal's fresh attributes (never from token claims).
 *
 * <pre>{@code
 * @Path("/documents")
 * @RequiresPermission(resource = "document", action = "read")       // class default
 * public class DocumentResource {
 *     @GET @Path("{docId}")
 *     @RequiresPermission(resource = "document", action = "read", id = "{docId}")
 *     public Document get(@PathParam("docId") String docId) { ... }
 *
 *     @DELETE @Path("{docId}")
 *     @RequiresPermission(value = "document:delete", id = "{docId}")  // shorthand kind:action
 *     public void delete(@PathParam("docId") String docId) { ... }
 * }
 * }</pre>
 *
 * <p>The resource kind and action come from {@link #resource()} and {@link #action()}, or from
 * the shorthand {@link #value()} {@code "kind:action"}; giving both forms, or neither, fails
 * deployment. The {@linkplain #id() id template} becomes the resource id the policy and the
 * {@code ResourceResolver} see (for ABAC conditions such as "owner == principal").
 *
 * <p>Method-level annotations replace class-level ones; the precedence with {@code @PermitAll},
 * {@code @DenyAll} and {@code @RolesAllowed} is written down in {@link PortcullisFeature}.
 * Deployment fails when no loaded policy covers the named resource kind and action.
 *
 * <p>Note the singular name: this is not Apache Shiro's {@code @RequiresPermissions}, whose
 * wildcard permission strings it does not understand.
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target({ElementType.TYPE, ElementType.METHOD})
public @interface RequiresPermission {
    /** Shorthand {@code "kind:action"}, e.g. {@code "document:read"}; empty when the named form is used. */
    String value() default "";

    /** The resource kind, e.g. {@code document}. */
    String resource() default "";

    /** The action, e.g. {@code read}. */
    String action() default "";

    /**
     * The resource id template. Literal text with {@code {name}} placeholders: each placeholder is
     * replaced by the path parameter {@code name} or, when the path has none of that name, by the
     * first query parameter {@code name} (decoded). {@code {query:name}} and {@code {path:name}}
     * name the source explicitly. A placeholder the request cannot fill is refused with 403
     * {@code access_denied}. Empty (the default): no id, a kind-level check.
     */
    String id() default "";

    /**
     * The Cerbos scope of the resource (scoped policies are searched from it up to the root), a
     * template like {@link #id()} whose placeholders name path parameters only, e.g.
     * {@code "acme.{tenant}"}. The {@code ResourceResolver}'s scope for the resource, when it has
     * one, wins, and a request whose scope differs from it is refused 403. A value that is not a
     * valid scope is refused 403. Empty (the default): the resolver's scope, else the root.
     */
    String scope() default "";

    /**
     * The version of the policies to decide with (Cerbos {@code version}: letters, digits,
     * {@code _}), for the principal and the resource; empty (the default): version
     * {@code default}.
     */
    String policyVersion() default "";
}
