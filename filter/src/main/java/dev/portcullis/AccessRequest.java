package dev.portcullis;

import dev.portcullis.token.VerifiedToken;

import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Objects;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * One request as {@link Portcullis#decide} sees it, translated from the container by an adapter:
 * the method, the path the container dispatched, the credentials and the endpoint's
 * {@link Requirement}.
 *
 * <pre>{@code
 * AccessRequest request = AccessRequest.builder("GET", "/api/documents/42")
 *         .authorization(authorizationHeaderValues)
 *         .query(rawQueryString)
 *         .requirement(Requirement.route(match, routes.unmatched()))
 *         .build();
 * }</pre>
 *
 * <p>Thread safety: immutable (the parameter lookup is called on the deciding thread only).
 */
public final class AccessRequest {
    /** The realm of {@code WWW-Authenticate} challenges when none is given. */
    public static final String DEFAULT_REALM = "portcullis";

    private static final Function<String, List<String>> NO_PARAMETERS = name -> List.of();

    private final String method;
    private final String path;
    private final List<String> authorization;
    private final String query;
    private final Function<String, List<String>> parameters;
    private final VerifiedToken verified;
    private final Portcullis verifiedBy;
    private final Outcome earlier;
    private final Requirement requirement;
    private final String realm;
    private final String contentType;
    private final Body body;
    private final List<String> dpop;
    private final Supplier<String> url;
    private final X509Certificate clientCertificate;
    private final boolean continuable;

    private AccessRequest(Builder b) {
        this.continuable = b.continuable;
        this.dpop = b.dpop;
        this.url = b.url;
        this.clientCertificate = b.clientCertificate;
        this.method = b.method;
        this.path = b.path;
        this.authorization = b.authorization;
        this.query = b.query;
        this.parameters = b.parameters;
        this.verified = b.verified;
        this.verifiedBy = b.verifiedBy;
        this.earlier = b.earlier;
        this.requirement = b.requirement;
        this.realm = b.realm;
        this.contentType = b.contentType;
        this.body = b.body;
    }

    /**
     * The request body, opened only by the engine's own endpoints (the signal push and
     * back-channel logout endpoints), which read a bounded number of bytes from it.
     */
    @FunctionalInterface
    public interface Body {
        /** Opens the body; called at most once. */
        java.io.InputStream open() throws java.io.IOException;
    }

    /**
     * @param method the HTTP method
     * @param path the path the container dispatched (servlet: {@code DispatchedPath}), as decided
     *        on, recorded and logged
     */
    public static Builder builder(String method, String path) {
        return new Builder(method, path);
    }

    public String method() {
        return method;
    }

    public String path() {
        return path;
    }

    /** Every {@code Authorization} header value, in order. */
    public List<String> authorization() {
        return authorization;
    }

    /** The raw (undecoded) query string, or null. */
    public String query() {
        return query;
    }

    Function<String, List<String>> parameters() {
        return parameters;
    }

    VerifiedToken verified() {
        return verified;
    }

    Portcullis verifiedBy() {
        return verifiedBy;
    }

    Outcome earlier() {
        return earlier;
    }

    /** Whether a later step of the request may continue this one ({@link Builder#continuable()}). */
    boolean continuable() {
        return continuable;
    }

    public Requirement requirement() {
        return requirement;
    }

    public String realm() {
        return realm;
    }

    String contentType() {
        return contentType;
    }

    Body body() {
        return body;
    }

    /** Every {@code DPoP} header value, in order (RFC 9449: more than one is refused). */
    public List<String> dpop() {
        return dpop;
    }

    /**
     * The request URL as the container sees it (no query), for a DPoP proof's {@code htu}; null if
     * unknown. Computed when read, if the adapter gave it as a {@link Builder#url(Supplier)}: the
     * engine reads it only for a DPoP proof.
     */
    public String url() {
        return url == null ? null : url.get();
    }

    /** The TLS client certificate the container verified (RFC 8705), or null. */
    public X509Certificate clientCertificate() {
        return clientCertificate;
    }

    @Override
    public String toString() {
        return "AccessRequest[" + method + " " + path + " " + requirement + "]";
    }

    /**
     * Builds an {@link AccessRequest}. Defaults: no credentials, no query, requirement
     * {@link Requirement#authenticated()}, realm {@value AccessRequest#DEFAULT_REALM}.
     *
     * <p>Not thread-safe.
     */
    public static final class Builder {
        private final String method;
        private final String path;
        private List<String> authorization = List.of();
        private String query;
        private Function<String, List<String>> parameters = NO_PARAMETERS;
        private VerifiedToken verified;
        private Portcullis verifiedBy;
        private Outcome earlier;
        private boolean continuable;
        private Requirement requirement = Requirement.authenticated();
        private String realm = DEFAULT_REALM;
        private String contentType;
        private Body body;
        private List<String> dpop = List.of();
        private Supplier<String> url;
        private X509Certificate clientCertificate;

        private Builder(String method, String path) {
            this.method = Objects.requireNonNull(method, "method");
            this.path = Objects.requireNonNull(path, "path");
        }

        /** Every {@code Authorization} header value of the request, in order. */
        public Builder authorization(List<String> values) {
            this.authorization = values == null ? List.of() : values;
            return this;
        }

        /**
         * The raw query string (null for none): the engine looks for {@code access_token} in it,
         * and refuses such a token unless query tokens are explicitly allowed.
         */
        public Builder query(String rawQuery) {
            this.query = rawQuery;
            return this;
        }

        /**
         * The request's parameter values by name (decoded; in a servlet container reading them may
         * consume a form body): asked only for {@code access_token} when insecure query tokens are
         * allowed, and for the revocation endpoint's parameters of a {@code POST}.
         */
        public Builder parameters(Function<String, List<String>> lookup) {
            this.parameters = Objects.requireNonNull(lookup, "lookup");
            return this;
        }

        /**
         * An identity that {@code by} verified earlier in this request (the servlet filter in front
         * of JAX-RS): reused, without verifying the token again, only when {@code by} is the engine
         * deciding; any other engine's identity is ignored and the credentials verified.
         */
        public Builder verified(VerifiedToken token, Portcullis by) {
            this.verified = token;
            this.verifiedBy = by;
            return this;
        }

        /**
         * The outcome of an earlier decision on this same request by the same engine (the JAX-RS
         * authentication step): its verified identity and attributes, or why it has none, are
         * reused instead of being computed again.
         */
        public Builder after(Outcome earlier) {
            this.earlier = earlier;
            return this;
        }

        /**
         * A later step of this same request may continue this one's outcome ({@link #after}):
         * the JAX-RS check behind the servlet filter, or after the JAX-RS authentication step. An
         * admitted outcome then holds its count in {@code portcullis.requests}; the step that
         * continues it counts the request once, with its own outcome and both steps' time, and
         * the adapter calls {@link Outcome#settle()} when the request is done, which counts it if
         * no step did. A refused or handled outcome is counted at once.
         */
        public Builder continuable() {
            this.continuable = true;
            return this;
        }

        public Builder requirement(Requirement requirement) {
            this.requirement = Objects.requireNonNull(requirement, "requirement");
            return this;
        }

        /** The realm of the {@code WWW-Authenticate} challenge. */
        public Builder realm(String realm) {
            this.realm = Objects.requireNonNull(realm, "realm");
            return this;
        }

        /**
         * The request's {@code Content-Type} and body: read by the engine only for its own
         * endpoints ({@link Requirement#signalPush()}, {@link Requirement#backchannelLogout()}),
         * never for the application's.
         */
        public Builder body(String contentType, Body body) {
            this.contentType = contentType;
            this.body = body;
            return this;
        }

        /** Every {@code DPoP} header value of the request, in order (RFC 9449 §4). */
        public Builder dpop(List<String> values) {
            this.dpop = values == null ? List.of() : values;
            return this;
        }

        /**
         * The request URL as the container sees it: scheme, host, port and raw path (with the
         * context path), without the query ({@code HttpServletRequest.getRequestURL()}, JAX-RS
         * {@code UriInfo.getRequestUri()}); the engine applies {@code portcullis.dpop.external-url}
         * and compares it with a DPoP proof's {@code htu}.
         */
        public Builder url(String url) {
            this.url = url == null ? null : () -> url;
            return this;
        }

        /**
         * {@link #url(String)}, computed only if the engine reads it (for a DPoP proof): building a
         * request URL costs the adapters a string per request that a Bearer request never needs.
         * The supplier is called on the thread that calls {@code decide}, at most once per read.
         */
        public Builder url(Supplier<String> url) {
            this.url = url;
            return this;
        }

        /**
         * The first certificate of the TLS client's chain, as the container verified it (the
         * servlet container's request attribute of the client's certificate chain); checked against a
         * token's {@code cnf.x5t#S256} (RFC 8705 §3).
         */
        public Builder clientCertificate(X509Certificate certificate) {
            this.clientCertificate = certificate;
            return this;
        }

        public AccessRequest build() {
            return new AccessRequest(this);
        }
    }
}
