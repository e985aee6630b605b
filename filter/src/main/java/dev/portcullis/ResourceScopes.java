package dev.portcullis;

import dev.portcullis.internal.LogText;
import dev.portcullis.policy.PrincipalContext;
import dev.portcullis.policy.ResourceResolver;

import java.util.Map;

/**
 * The Cerbos scope of the resource of one permission check (docs/architecture.md, "Scopes"): the
 * scope the resource resolver reports for the resource ({@link ResourceResolver#scope}) is
 * authoritative; otherwise the scope the route or annotation requested (its template already
 * filled from the path); otherwise the root ({@code ""}). A requested scope that differs from the
 * resolver's, or that is not a valid scope, is refused: the path must not choose another tenant's
 * policies for a resource.
 *
 * <p>Thread safety: stateless.
 */
final class ResourceScopes {
    private ResourceScopes() {
    }

    /** A scope that may not be used; the message says why (logged and recorded, never sent). */
    static final class ScopeRefused extends Exception {
        private static final long serialVersionUID = 1L;

        ScopeRefused(String message) {
            super(message, null, false, false);
        }
    }

    /**
     * The scope to decide in.
     *
     * @throws ScopeRefused when the requested scope is malformed or contradicts the resolver's
     */
    static String scope(ResourceResolver resolver, String kind, String id, Map<String, Object> attributes,
                        String requested) throws ScopeRefused {
        String wanted = null;
        if (requested != null) {
            try {
                wanted = PrincipalContext.checkScope(requested);
            } catch (IllegalArgumentException e) {
                throw new ScopeRefused("requested scope '" + LogText.safe(requested) + "' is not a valid scope");
            }
        }
        String known = resolver.scope(kind, id, attributes);
        if (known != null) {
            try {
                known = PrincipalContext.checkScope(known);
            } catch (IllegalArgumentException e) {
                throw new ScopeRefused("the resource resolver's scope for " + kind + " is not a valid scope: "
                        + LogText.safe(known));
            }
            if (wanted != null && !wanted.equals(known)) {
                throw new ScopeRefused("the request names scope '" + LogText.safe(wanted) + "' but " + kind + " "
                        + LogText.safe(id) + " is in scope '" + known + "'");
            }
            return known;
        }
        return wanted == null ? "" : wanted;
    }
}
