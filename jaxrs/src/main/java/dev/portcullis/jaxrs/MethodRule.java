package dev.portcullis.jaxrs;

import jakarta.annotation.security.DenyAll;
import jakarta.annotation.security.PermitAll;
import jakarta.annotation.security.RolesAllowed;

import java.lang.reflect.AnnotatedElement;
import java.lang.reflect.Method;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * What one element of a request's resource chain requires (a resource method, or a sub-resource
 * locator on the way to it), from the annotations {@link AnnotationLookup} finds (see the
 * precedence rules in {@link PortcullisFeature}).
 *
 * <p>Thread safety: immutable.
 */
final class MethodRule {
    enum Kind { PERMIT, DENY, AUTHENTICATED, CHECK }

    private final Kind kind;
    private final Set<String> roles;
    private final Permission permission;
    private final boolean annotated;
    private final String where;

    private MethodRule(Kind kind, Set<String> roles, Permission permission, boolean annotated, String where) {
        this.kind = kind;
        this.roles = roles == null ? null : Collections.unmodifiableSet(roles);
        this.permission = permission;
        this.annotated = annotated;
        this.where = where;
    }

    /**
     * The rule for a resource method served by an instance of {@code type}, found by
     * {@link AnnotationLookup}; the {@link Unannotated} mode when no annotation is found.
     *
     * @throws IllegalStateException naming the class and method when the annotations contradict
     *         each other or a {@code @RequiresPermission} is malformed
     */
    static MethodRule of(Class<?> type, Method method, Unannotated mode) {
        MethodRule rule = AnnotationLookup.annotatedRule(type, method);
        return rule != null ? rule : unannotated(mode, type.getName() + "#" + method.getName());
    }

    /** The rule the {@link Unannotated} mode gives a method (or locator chain) without annotations. */
    static MethodRule unannotated(Unannotated mode, String where) {
        switch (mode) {
            case DENY:
                return new MethodRule(Kind.DENY, null, null, false, where);
            case PERMIT:
                return new MethodRule(Kind.PERMIT, null, null, false, where);
            default:
                return new MethodRule(Kind.AUTHENTICATED, null, null, false, where);
        }
    }

    /**
     * Denies everyone: the requirements of {@code where} cannot be determined ({@code why}), and
     * an endpoint whose requirements are unknown must never be open.
     */
    static MethodRule undetermined(String where, String why) {
        return new MethodRule(Kind.DENY, null, null, true, where + " (requirements cannot be determined: " + why + ")");
    }

    /**
     * The rule one element's annotations give, or null when it carries none of them. On one
     * element {@code @DenyAll} wins; {@code @PermitAll} with {@code @RolesAllowed} or
     * {@code @RequiresPermission} is a contradiction.
     */
    static MethodRule fromElement(AnnotatedElement element, String elementName, String where) {
        if (element.isAnnotationPresent(DenyAll.class)) {
            return new MethodRule(Kind.DENY, null, null, true, where);
        }
        PermitAll permitAll = element.getAnnotation(PermitAll.class);
        RolesAllowed rolesAllowed = element.getAnnotation(RolesAllowed.class);
        RequiresPermission requires = element.getAnnotation(RequiresPermission.class);
        if (permitAll != null && (rolesAllowed != null || requires != null)) {
            throw new IllegalStateException("Portcullis: " + elementName + " carries @PermitAll together with "
                    + (rolesAllowed != null ? "@RolesAllowed" : "@RequiresPermission")
                    + "; remove one of them");
        }
        if (permitAll != null) {
            return new MethodRule(Kind.PERMIT, null, null, true, where);
        }
        if (rolesAllowed == null && requires == null) {
            return null;
        }
        Set<String> roles = rolesAllowed == null ? null : new LinkedHashSet<>(List.of(rolesAllowed.value()));
        Permission permission = requires == null ? null : Permission.of(requires, elementName);
        return new MethodRule(Kind.CHECK, roles, permission, true, where);
    }

    Kind kind() {
        return kind;
    }

    /** The roles of {@code @RolesAllowed} (any one suffices), or null when not role-checked. */
    Set<String> roles() {
        return roles;
    }

    /** The permission of {@code @RequiresPermission}, or null. */
    Permission permission() {
        return permission;
    }

    /** Whether some annotation decided this rule (false: the unannotated mode did). */
    boolean annotated() {
        return annotated;
    }

    /** {@code class#method}, for logs and messages. */
    String where() {
        return where;
    }

    @Override
    public String toString() {
        return where + ": " + kind + (roles != null ? " roles=" + roles : "")
                + (permission != null ? " " + permission : "");
    }

    /**
     * A resource kind, action and id template from {@code @RequiresPermission}.
     *
     * <p>Thread safety: immutable.
     */
    static final class Permission {
        private final String resource;
        private final String action;
        private final IdTemplate id;
        private final IdTemplate scope;
        private final String policyVersion;

        private Permission(String resource, String action, IdTemplate id, IdTemplate scope, String policyVersion) {
            this.policyVersion = policyVersion;
            this.resource = resource;
            this.action = action;
            this.id = id;
            this.scope = scope;
        }

        static Permission of(RequiresPermission a, String where) {
            String resource = a.resource().trim();
            String action = a.action().trim();
            String value = a.value().trim();
            if (!value.isEmpty()) {
                if (!resource.isEmpty() || !action.isEmpty()) {
                    throw new IllegalStateException("Portcullis: @RequiresPermission on " + where
                            + " gives both value \"" + value + "\" and resource/action; use one form");
                }
                int colon = value.indexOf(':');
                if (colon <= 0 || colon == value.length() - 1 || value.indexOf(':', colon + 1) >= 0) {
                    throw new IllegalStateException("Portcullis: @RequiresPermission on " + where
                            + " has value \"" + value + "\"; expected \"kind:action\", e.g. \"document:read\"");
                }
                resource = value.substring(0, colon).trim();
                action = value.substring(colon + 1).trim();
            }
            if (resource.isEmpty() || action.isEmpty()) {
                throw new IllegalStateException("Portcullis: @RequiresPermission on " + where
                        + " needs a resource kind and an action (resource = \"document\", action = \"read\","
                        + " or \"document:read\")");
            }
            try {
                IdTemplate scope = IdTemplate.parse(a.scope());
                if (scope.namesQueryParameter()) {
                    throw new IllegalArgumentException("scope \"" + a.scope() + "\" names a query parameter; "
                            + "a scope comes from path parameters only");
                }
                String version = a.policyVersion().trim();
                if (!version.isEmpty() && !version.matches("\\w+")) {
                    throw new IllegalArgumentException("policyVersion \"" + version + "\" must be letters, digits or '_'");
                }
                return new Permission(resource, action, IdTemplate.parse(a.id()), scope.isEmpty() ? null : scope,
                        version.isEmpty() ? null : version);
            } catch (IllegalArgumentException e) {
                throw new IllegalStateException("Portcullis: @RequiresPermission on " + where + ": " + e.getMessage(), e);
            }
        }

        String resource() {
            return resource;
        }

        String action() {
            return action;
        }

        IdTemplate id() {
            return id;
        }

        /** The policy version, or null for the default. */
        String policyVersion() {
            return policyVersion;
        }

        /** The scope template, or null when the annotation names none. */
        IdTemplate scope() {
            return scope;
        }

        @Override
        public String toString() {
            return resource + ":" + action + (id.isEmpty() ? "" : " id=" + id) + (scope == null ? "" : " scope=" + scope);
        }
    }
}
