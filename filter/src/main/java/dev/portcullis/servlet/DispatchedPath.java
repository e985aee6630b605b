package dev.portcullis.servlet;

import dev.portcullis.PortcullisException;
import dev.portcullis.Reason;
import dev.portcullis.internal.RequestPaths;
import dev.portcullis.internal.route.RouteTable;

import jakarta.servlet.DispatcherType;
import jakarta.servlet.RequestDispatcher;
import jakarta.servlet.http.HttpServletRequest;

import java.util.ArrayList;
import java.util.List;

/**
 * The path within the web application that the container dispatched a request to: the one
 * place where the filter turns a request into the path that route decisions, public paths, the
 * revocation endpoint, the decision log and log lines all use.
 *
 * <p>The raw request URI ({@code getRequestURI()}) is what the client sent ({@code //app},
 * {@code /%61pp}, {@code /app;x=1}, {@code /x/../app}); the context path a container reports may
 * be cleaned up or not; the servlet path and path info are decoded and normalised by the
 * container and say where the request really goes. This class relates them:
 * <ol>
 *   <li>the raw URI is normalised the strict way the {@link RouteTable} does (percent-decoding,
 *       {@code ;parameters} removed, empty and {@code .} segments dropped, {@code ..} resolved;
 *       encoded separators, controls, invalid encodings and {@code ..} above the root refused);</li>
 *   <li>the context path, normalised the same way, must be the leading segments of the result
 *       (compared segment by segment, case-sensitively);</li>
 *   <li>the remaining segments must equal the non-empty segments of servlet path plus path
 *       info, that is: the decision is made on exactly what the container dispatched.</li>
 * </ol>
 * One shape is accepted besides equality: a <em>welcome file</em>. For a request naming a
 * directory ({@code GET /app/dir/}) a container may map the request to a welcome file in it
 * (Tomcat reports servlet path {@code /dir/index.html}; Jetty's {@code DefaultServlet} instead
 * takes the request as {@code /dir/}, plain equality, and forwards to the file). So when the raw
 * path ends with {@code /} (path parameters aside), or is the context root, and the dispatched
 * segments are exactly the raw segments plus one more final segment (not {@code .} or
 * {@code ..}; no trailing {@code /}), the request is accepted and decided on the
 * <em>dispatched</em> path, {@code /dir/index.html}: routes and public paths are matched against
 * what runs. The servlet API offers no getter for the welcome-file list ({@code ServletContext}
 * of Servlet 6.0 and 6.1 has none), so the extra segment is not checked against it; this is safe
 * because nothing is decided on the raw path, only on what runs. Routes match whole segments:
 * a route {@code GET /dir} does not cover {@code /dir/index.html}; protecting a static directory
 * takes {@code GET /dir} and {@code GET /dir/{file}} (or {@code unmatched: deny}).
 *
 * <p>A request for which any step fails is {@linkplain Reason#INVALID_REQUEST refused with 400}:
 * never treated as "unmatched", which would let an authenticated request through to a servlet
 * that a route protects.
 *
 * <p>For an {@link DispatcherType#INCLUDE INCLUDE} dispatch the request's getters describe the
 * including request, so the {@code jakarta.servlet.include.*} attributes (the target) are used;
 * for {@code FORWARD}, {@code ERROR} and {@code ASYNC} dispatches the getters already describe
 * the target.
 *
 * <p>{@link #path()} has no path parameters ({@code ;jsessionid=...}) and no query string, so
 * neither reaches a decision record or a log line through it.
 *
 * <pre>{@code
 * DispatchedPath path = DispatchedPath.of(request);   // throws PortcullisException(INVALID_REQUEST)
 * RouteMatch match = routes.match(request.getMethod(), path.segments());
 * boolean open = publicPaths.matches(path.path());
 * }</pre>
 *
 * <p>Thread safety: immutable.
 */
final class DispatchedPath {
    private final List<String> segments;
    private final String path;

    private DispatchedPath(List<String> segments, boolean trailingSlash) {
        this.segments = List.copyOf(segments);
        StringBuilder sb = new StringBuilder();
        for (String s : segments) {
            sb.append('/').append(s);
        }
        if (sb.length() == 0 || trailingSlash) {
            sb.append('/');
        }
        this.path = sb.toString();
    }

    private DispatchedPath(List<String> segments, String path) {
        this.segments = List.copyOf(segments);
        this.path = path;
    }

    /**
     * The dispatched path of {@code request}.
     *
     * @throws PortcullisException {@link Reason#INVALID_REQUEST} when the request URI cannot be
     *         normalised safely or does not lead, segment by segment, to what the container dispatched
     */
    static DispatchedPath of(HttpServletRequest request) throws PortcullisException {
        String uri;
        String contextPath;
        String servletPath;
        String pathInfo;
        Object includeUri = request.getDispatcherType() == DispatcherType.INCLUDE
                ? request.getAttribute(RequestDispatcher.INCLUDE_REQUEST_URI) : null;
        if (includeUri != null) {
            uri = includeUri.toString();
            contextPath = attribute(request, RequestDispatcher.INCLUDE_CONTEXT_PATH);
            servletPath = attribute(request, RequestDispatcher.INCLUDE_SERVLET_PATH);
            pathInfo = attribute(request, RequestDispatcher.INCLUDE_PATH_INFO);
        } else {
            uri = request.getRequestURI();
            contextPath = request.getContextPath();
            servletPath = request.getServletPath();
            pathInfo = request.getPathInfo();
        }
        return of(uri, contextPath, servletPath, pathInfo);
    }

    /**
     * The dispatched path for these four values (the request's, or the include target's).
     * A request whose raw URI is already normalised ({@link RequestPaths#plain}: nothing to
     * decode, no parameter, no empty or dot segment) and is exactly the context path followed by
     * the dispatched path needs no segment-by-segment comparison: its path is that URI's rest.
     * Every other request takes {@link #strictly}; both give the same answer
     * ({@code DispatchedPathShortcutTest}).
     */
    static DispatchedPath of(String uri, String contextPath, String servletPath, String pathInfo)
            throws PortcullisException {
        String context = contextPath == null ? "" : contextPath;
        if (RequestPaths.plain(uri) && (context.isEmpty() || !context.endsWith("/") && RequestPaths.plain(context))
                && uri.startsWith(context)) {
            String rest = uri.substring(context.length());
            String dispatched = (servletPath == null ? "" : servletPath) + (pathInfo == null ? "" : pathInfo);
            if (rest.equals(dispatched) && (rest.isEmpty() || rest.charAt(0) == '/')) {
                return new DispatchedPath(nonEmptySegments(dispatched), rest.isEmpty() ? "/" : rest);
            }
        }
        return strictly(uri, contextPath, servletPath, pathInfo);
    }

    /** The dispatched path by normalising and comparing the four values segment by segment. */
    static DispatchedPath strictly(String uri, String contextPath, String servletPath, String pathInfo)
            throws PortcullisException {
        List<String> raw = uri == null ? null : RouteTable.normalise(uri.isEmpty() ? "/" : uri);
        if (raw == null) {
            throw invalid("the request path cannot be normalised safely");
        }
        List<String> context = contextSegments(contextPath);
        if (context == null || raw.size() < context.size() || !raw.subList(0, context.size()).equals(context)) {
            throw invalid("the request path does not start with the context path");
        }
        List<String> rest = raw.subList(context.size(), raw.size());
        String dispatched = (servletPath == null ? "" : servletPath) + (pathInfo == null ? "" : pathInfo);
        List<String> target = nonEmptySegments(dispatched);
        if (!rest.equals(target) && !isWelcomeFile(uri, rest, target, dispatched)) {
            throw invalid("the request path does not lead to the dispatched path");
        }
        return new DispatchedPath(target, dispatched.endsWith("/"));
    }

    /**
     * Whether the container mapped a directory request to a welcome file in it (Tomcat does so
     * while mapping, so servlet path and path info name the file): the raw URI names a directory
     * (its last segment, path parameters aside, is empty: {@code /app/dir/}; or it is the context
     * root) and the dispatched segments are exactly its segments plus one final file segment.
     * Which file is not checked, as the servlet API has no getter for the welcome-file list; the
     * decision is made on the dispatched path, which is what runs.
     */
    private static boolean isWelcomeFile(String uri, List<String> rest, List<String> target, String dispatched) {
        if (target.size() != rest.size() + 1 || !target.subList(0, rest.size()).equals(rest)
                || dispatched.endsWith("/")) {
            return false;
        }
        String file = target.get(target.size() - 1);
        if (file.equals(".") || file.equals("..")) {
            return false;
        }
        if (rest.isEmpty()) {
            return true;
        }
        String last = uri.substring(uri.lastIndexOf('/') + 1);
        int semi = last.indexOf(';');
        return (semi >= 0 ? last.substring(0, semi) : last).isEmpty();
    }

    /** The decoded, normalised segments (for the route table). */
    List<String> segments() {
        return segments;
    }

    /**
     * The path as {@code /} plus the segments joined by {@code /}, with a trailing {@code /} if the
     * dispatched path has one; decoded, without path parameters or query string.
     */
    String path() {
        return path;
    }

    private static List<String> contextSegments(String contextPath) {
        if (contextPath == null || contextPath.isEmpty() || contextPath.equals("/")) {
            return List.of();
        }
        // a container may hand the context path as sent (Tomcat) or canonical (Jetty): normalise both
        return RouteTable.normalise(contextPath);
    }

    /** The segments between slashes, empty ones left out (as {@code split("/")} without its regex and array). */
    static List<String> nonEmptySegments(String path) {
        List<String> out = new ArrayList<>(4);
        int n = path.length();
        for (int from = 0; from < n; ) {
            int slash = path.indexOf('/', from);
            int to = slash < 0 ? n : slash;
            if (to > from) {
                out.add(path.substring(from, to));
            }
            from = to + 1;
        }
        return out;
    }

    private static String attribute(HttpServletRequest request, String name) {
        Object value = request.getAttribute(name);
        return value == null ? null : value.toString();
    }

    private static PortcullisException invalid(String detail) {
        return new PortcullisException(Reason.INVALID_REQUEST, detail, null, 0, "The request path is not acceptable");
    }

    @Override
    public String toString() {
        return path;
    }
}
