package dev.portcullis.internal.route;

/**
 * The outcome of matching a request against a {@link RouteTable}.
 *
 * <p>Thread safety: immutable.
 */
public final class RouteMatch {
    /** How the request relates to the table. */
    public enum Kind {
        /** A route matched: decide its resource kind and action. */
        MATCHED,
        /** No route covers the path: the table's policy for unmatched paths applies. */
        UNMATCHED,
        /** A route covers the path but not this method: refused. */
        METHOD_NOT_ROUTED,
        /** The path cannot be normalised safely (encoded slash, dot segments escaping the root...): refused. */
        UNSAFE_PATH
    }

    static final RouteMatch UNMATCHED = new RouteMatch(Kind.UNMATCHED, null, null);
    static final RouteMatch METHOD_NOT_ROUTED = new RouteMatch(Kind.METHOD_NOT_ROUTED, null, null);
    static final RouteMatch UNSAFE_PATH = new RouteMatch(Kind.UNSAFE_PATH, null, null);

    private final Kind kind;
    private final Route route;
    private final String resourceId;
    private final String scope;

    RouteMatch(Kind kind, Route route, String resourceId) {
        this(kind, route, resourceId, null);
    }

    RouteMatch(Kind kind, Route route, String resourceId, String scope) {
        this.kind = kind;
        this.route = route;
        this.resourceId = resourceId;
        this.scope = scope;
    }

    /** The route's {@code scope} filled from the path, or null when the route names none. */
    public String scope() {
        return scope;
    }

    public Kind kind() {
        return kind;
    }

    /** The matched route, for {@link Kind#MATCHED}. */
    public Route route() {
        return route;
    }

    /** The resource id taken from the path, or null. */
    public String resourceId() {
        return resourceId;
    }

    @Override
    public String toString() {
        return kind == Kind.MATCHED ? "MATCHED " + route + " id=" + resourceId : kind.name();
    }
}
