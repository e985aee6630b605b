package dev.portcullis.internal.route;

import dev.portcullis.config.ConfigurationException;

import dev.portcullis.internal.IdTemplate;
import dev.portcullis.internal.YamlInputException;
import dev.portcullis.internal.YamlReader;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Per-endpoint rules for servlet applications: which resource kind and action a request is, so
 * the policy evaluator can decide it.
 *
 * <p>The table is YAML, read by the shared {@link YamlReader} (its limits: size, depth, aliases,
 * tags, duplicate keys; problems named {@code file:line}):
 * <pre>
 * unmatched: authenticated        # or deny; default authenticated
 * routes:
 *   - route: GET /api/documents/{id}
 *     resource: document
 *     action: read
 *     id: "{id}"                  # optional: the resource id, an {@link IdTemplate}
 *     scope: "acme.{tenant}"      # optional: the Cerbos scope, same grammar, path parameters only
 *     policyVersion: v2           # optional: the policies' version; default "default"
 * </pre>
 * The {@code id} follows the one id-template grammar ({@link IdTemplate}, shared with the JAX-RS
 * {@code @RequiresPermission}): literal text and {@code {name}} (or {@code {path:name}})
 * placeholders naming parameters of the route's path, e.g. {@code "{tenant}/doc-{id}"}.
 *
 * <p>Matching rules, in order:
 * <ol>
 *   <li>The path is normalised first: percent-decoding, {@code ;parameters} removed from every
 *       segment, empty segments ({@code //}) collapsed, {@code .} and {@code ..} resolved. A path
 *       with an encoded {@code /} or {@code \}, a NUL or control character, invalid
 *       percent-encoding, or {@code ..} above the root cannot be normalised safely and is
 *       {@linkplain RouteMatch.Kind#UNSAFE_PATH refused}.</li>
 *   <li>Templates match whole segments; a literal segment beats a parameter at the same
 *       position; two routes of one method with the same shape are a load error.</li>
 *   <li>{@code HEAD} uses the {@code GET} routes. A method that no route names for a path that
 *       some route covers is {@linkplain RouteMatch.Kind#METHOD_NOT_ROUTED refused}, so that a
 *       protected path cannot be reached with another verb.</li>
 *   <li>Anything else is {@linkplain RouteMatch.Kind#UNMATCHED unmatched}: by default it needs only
 *       authentication; with {@code unmatched: deny} it is refused.</li>
 * </ol>
 *
 * <p>Thread safety: immutable; all structures are built at load.
 */
public final class RouteTable {
    /** What happens to requests that no route covers. */
    public enum Unmatched { AUTHENTICATED, DENY }

    private static final Set<String> METHODS = Set.of("GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS");

    private final List<Route> routes;
    private final Unmatched unmatched;
    /** method → segment count → routes, most specific first. */
    private final Map<String, Map<Integer, Route[]>> index;
    /** segment count → every route (for METHOD_NOT_ROUTED). */
    private final Map<Integer, Route[]> anyMethod;

    private RouteTable(List<Route> routes, Unmatched unmatched) {
        this.routes = List.copyOf(routes);
        this.unmatched = unmatched;
        Map<String, Map<Integer, List<Route>>> byMethod = new HashMap<>();
        Map<Integer, List<Route>> all = new HashMap<>();
        for (Route r : routes) {
            byMethod.computeIfAbsent(r.method(), m -> new HashMap<>())
                    .computeIfAbsent(r.segments.length, n -> new ArrayList<>()).add(r);
            all.computeIfAbsent(r.segments.length, n -> new ArrayList<>()).add(r);
        }
        Map<String, Map<Integer, Route[]>> idx = new HashMap<>();
        byMethod.forEach((method, bySize) -> idx.put(method, freeze(bySize)));
        this.index = Map.copyOf(idx);
        this.anyMethod = freeze(all);
    }

    private static Map<Integer, Route[]> freeze(Map<Integer, List<Route>> bySize) {
        Map<Integer, Route[]> out = new HashMap<>();
        bySize.forEach((n, list) -> {
            list.sort(Comparator.comparingInt(Route::specificity).reversed());
            out.put(n, list.toArray(new Route[0]));
        });
        return Map.copyOf(out);
    }

    /** A table with no routes: every authenticated request passes to the application. */
    public static RouteTable empty() {
        return new RouteTable(List.of(), Unmatched.AUTHENTICATED);
    }

    /**
     * Parses a route table.
     *
     * @param yaml the YAML text
     * @param source a name for error messages (the file)
     * @param setting the setting that named the file, for the exception
     * @throws ConfigurationException naming the setting, the source, the route and the problem
     */
    public static RouteTable parse(String yaml, String source, String setting) {
        Object root;
        try {
            root = YamlReader.load(source, yaml);
        } catch (YamlInputException e) {
            throw new ConfigurationException(setting, e.location() + ": invalid YAML: " + e.problem(), e);
        }
        if (!(root instanceof Map)) {
            throw new ConfigurationException(setting, source + ": expected a mapping with 'routes'");
        }
        Map<?, ?> map = (Map<?, ?>) root;
        for (Object key : map.keySet()) {
            if (!"routes".equals(key) && !"unmatched".equals(key)) {
                throw new ConfigurationException(setting, source + ": unknown key '" + key + "'");
            }
        }
        Unmatched unmatched = Unmatched.AUTHENTICATED;
        Object u = map.get("unmatched");
        if (u != null) {
            try {
                unmatched = Unmatched.valueOf(u.toString().toUpperCase(Locale.ROOT));
            } catch (IllegalArgumentException e) {
                throw new ConfigurationException(setting, source + ": unmatched must be 'authenticated' or 'deny', was '"
                        + u + "'");
            }
        }
        Object list = map.get("routes");
        List<Route> routes = new ArrayList<>();
        if (list != null) {
            if (!(list instanceof List)) {
                throw new ConfigurationException(setting, source + ": 'routes' must be a list");
            }
            int n = 0;
            for (Object item : (List<?>) list) {
                n++;
                routes.add(route(item, source + " route #" + n, setting));
            }
        }
        checkAmbiguity(routes, setting);
        return new RouteTable(routes, unmatched);
    }

    private static Route route(Object item, String where, String setting) {
        if (!(item instanceof Map)) {
            throw new ConfigurationException(setting, where + ": expected a mapping");
        }
        Map<?, ?> m = (Map<?, ?>) item;
        for (Object key : m.keySet()) {
            if (!Set.of("route", "resource", "action", "id", "scope", "policyVersion").contains(key)) {
                throw new ConfigurationException(setting, where + ": unknown key '" + key + "'");
            }
        }
        String spec = string(m, "route", where, setting);
        String[] parts = spec.trim().split("\\s+");
        if (parts.length != 2) {
            throw new ConfigurationException(setting, where + ": route must be 'METHOD /path', was '" + spec + "'");
        }
        String method = parts[0].toUpperCase(Locale.ROOT);
        if (!METHODS.contains(method)) {
            throw new ConfigurationException(setting, where + ": unknown method '" + parts[0] + "'");
        }
        String template = parts[1];
        if (!template.startsWith("/")) {
            throw new ConfigurationException(setting, where + ": path must start with /: '" + template + "'");
        }
        List<String> names = new ArrayList<>();
        for (String seg : split(template)) {
            boolean param = seg.startsWith("{") && seg.endsWith("}");
            String name = param ? seg.substring(1, seg.length() - 1) : seg;
            if (param ? !name.matches("[A-Za-z0-9_][A-Za-z0-9_.-]*") : seg.matches(".*[{};%*].*") || seg.equals(".")
                    || seg.equals("..")) {
                throw new ConfigurationException(setting, where + ": bad path segment '" + seg + "' in '" + template + "'");
            }
            if (param) {
                if (names.contains(name)) {
                    throw new ConfigurationException(setting, where + ": parameter {" + name + "} appears twice");
                }
                names.add(name);
            }
        }
        String resource = string(m, "resource", where, setting);
        String action = string(m, "action", where, setting);
        String id = m.get("id") == null || m.get("id").toString().isEmpty() ? null : m.get("id").toString();
        IdTemplate idTemplate;
        try {
            idTemplate = IdTemplate.parse(id);
        } catch (IllegalArgumentException e) {
            throw new ConfigurationException(setting, where + ": " + e.getMessage(), e);
        }
        for (IdTemplate.Placeholder p : idTemplate.placeholders()) {
            if (p.source() == IdTemplate.Source.QUERY) {
                throw new ConfigurationException(setting, where + ": id " + id + " names a query parameter;"
                        + " routes match paths only, use {" + p.name() + "} for a path parameter");
            }
            if (!names.contains(p.name())) {
                throw new ConfigurationException(setting, where + ": id " + id + " is not a parameter of '"
                        + template + "'");
            }
        }
        Route route = new Route(method, template, resource, action, id, idTemplate, where);
        if (m.get("policyVersion") != null) {
            String v = m.get("policyVersion").toString();
            if (!v.matches("\\w+")) {
                throw new ConfigurationException(setting, where + ": policyVersion must be letters, digits or '_'"
                        + " (a Cerbos policy version), was '" + v + "'");
            }
            route.policyVersion = v;
        }
        if (m.get("scope") != null && !m.get("scope").toString().isEmpty()) {
            String scope = m.get("scope").toString();
            try {
                route.scopeTemplate = IdTemplate.parse(scope);
            } catch (IllegalArgumentException e) {
                throw new ConfigurationException(setting, where + ": scope: " + e.getMessage(), e);
            }
            for (IdTemplate.Placeholder p : route.scopeTemplate.placeholders()) {
                if (p.source() == IdTemplate.Source.QUERY || !names.contains(p.name())) {
                    throw new ConfigurationException(setting, where + ": scope " + scope + " names {" + p.name()
                            + "}, which is not a path parameter of '" + template + "'");
                }
            }
            if (route.scopeTemplate.placeholders().isEmpty()) {
                try {
                    dev.portcullis.policy.PrincipalContext.checkScope(scope);
                } catch (IllegalArgumentException e) {
                    throw new ConfigurationException(setting, where + ": " + e.getMessage(), e);
                }
            }
        }
        return route;
    }

    private static String string(Map<?, ?> m, String key, String where, String setting) {
        Object v = m.get(key);
        if (v == null || v.toString().isBlank()) {
            throw new ConfigurationException(setting, where + ": '" + key + "' is required");
        }
        return v.toString().trim();
    }

    private static void checkAmbiguity(List<Route> routes, String setting) {
        Map<String, Route> shapes = new HashMap<>();
        for (Route r : routes) {
            StringBuilder shape = new StringBuilder(r.method());
            for (int i = 0; i < r.segments.length; i++) {
                shape.append('/').append(r.isParameter[i] ? "{}" : r.segments[i]);
            }
            Route other = shapes.putIfAbsent(shape.toString(), r);
            if (other != null) {
                throw new ConfigurationException(setting, r.source() + ": '" + r.method() + " " + r.template()
                        + "' is ambiguous with " + other.source() + " '" + other.template() + "'");
            }
        }
    }

    /** Every route, in file order (for the startup check against loaded policies). */
    public List<Route> routes() {
        return routes;
    }

    public Unmatched unmatched() {
        return unmatched;
    }

    /**
     * Matches a request.
     *
     * @param method the HTTP method
     * @param path the path within the application (raw or already decoded; it is normalised here)
     */
    public RouteMatch match(String method, String path) {
        List<String> segments = normalise(path);
        if (segments == null) {
            return RouteMatch.UNSAFE_PATH;
        }
        return match(method, segments);
    }

    /**
     * Matches a request whose path is already normalised into decoded segments (as
     * {@link #normalise} returns them): the servlet filter relates the raw request URI to the
     * path the container dispatched first, and matches on that.
     *
     * @param method the HTTP method
     * @param segments the decoded, normalised segments of the path within the application
     */
    public RouteMatch match(String method, List<String> segments) {
        if (routes.isEmpty()) {
            return RouteMatch.UNMATCHED;
        }
        String m = method.toUpperCase(Locale.ROOT);
        Map<Integer, Route[]> bySize = index.get(m.equals("HEAD") && !index.containsKey("HEAD") ? "GET" : m);
        if (bySize != null) {
            Route[] candidates = bySize.get(segments.size());
            if (candidates != null) {
                for (Route r : candidates) {
                    Map<String, String> params = tryMatch(r, segments);
                    if (params != null) {
                        return new RouteMatch(RouteMatch.Kind.MATCHED, r, r.resourceId(params), r.scope(params));
                    }
                }
            }
        }
        Route[] any = anyMethod.get(segments.size());
        if (any != null) {
            for (Route r : any) {
                if (tryMatch(r, segments) != null) {
                    return RouteMatch.METHOD_NOT_ROUTED;
                }
            }
        }
        return RouteMatch.UNMATCHED;
    }

    private static Map<String, String> tryMatch(Route r, List<String> segments) {
        Map<String, String> params = null;
        for (int i = 0; i < r.segments.length; i++) {
            String s = segments.get(i);
            if (r.isParameter[i]) {
                if (params == null) {
                    params = new HashMap<>(4);
                }
                params.put(r.segments[i], s);
            } else if (!r.segments[i].equals(s)) {
                return null;
            }
        }
        return params == null ? Map.of() : params;
    }

    /** Splits a template into its segments. */
    static List<String> split(String template) {
        List<String> out = new ArrayList<>();
        for (String s : template.split("/")) {
            if (!s.isEmpty()) {
                out.add(s);
            }
        }
        return out;
    }

    /**
     * Normalises a path into decoded segments, or returns null when it cannot be normalised
     * safely. See the class documentation for the rules.
     */
    public static List<String> normalise(String path) {
        if (path == null || path.isEmpty() || path.charAt(0) != '/') {
            return path != null && path.isEmpty() ? List.of() : null;
        }
        List<String> out = new ArrayList<>();
        int start = 1;
        int n = path.length();
        while (start <= n) {
            int end = path.indexOf('/', start);
            if (end < 0) {
                end = n;
            }
            String raw = path.substring(start, end);
            int semi = raw.indexOf(';');
            if (semi >= 0) {
                raw = raw.substring(0, semi);
            }
            String seg = decode(raw);
            if (seg == null) {
                return null;
            }
            if (seg.isEmpty() || seg.equals(".")) {
                // skip
            } else if (seg.equals("..")) {
                if (out.isEmpty()) {
                    return null;
                }
                out.remove(out.size() - 1);
            } else {
                out.add(seg);
            }
            start = end + 1;
        }
        return out;
    }

    private static String decode(String raw) {
        if (raw.indexOf('%') < 0) {
            for (int i = 0; i < raw.length(); i++) {
                char c = raw.charAt(i);
                if (c < 0x20 || c > 0x7e || c == '\\') {
                    return null;
                }
            }
            return raw;
        }
        byte[] bytes = new byte[raw.length()];
        int len = 0;
        for (int i = 0; i < raw.length(); i++) {
            char c = raw.charAt(i);
            if (c == '%') {
                if (i + 2 >= raw.length()) {
                    return null;
                }
                int hi = Character.digit(raw.charAt(i + 1), 16);
                int lo = Character.digit(raw.charAt(i + 2), 16);
                if (hi < 0 || lo < 0) {
                    return null;
                }
                int b = hi * 16 + lo;
                if (b == '/' || b == '\\' || b < 0x20 || b == 0x7f || b == '%' || b == ';') {
                    return null; // encoded separators and controls are ambiguous: refuse
                }
                bytes[len++] = (byte) b;
                i += 2;
            } else if (c < 0x20 || c == 0x7f || c == '\\' || c > 0x7e) {
                return null;
            } else {
                bytes[len++] = (byte) c;
            }
        }
        java.nio.charset.CharsetDecoder decoder = java.nio.charset.StandardCharsets.UTF_8.newDecoder();
        try {
            return decoder.decode(java.nio.ByteBuffer.wrap(bytes, 0, len)).toString();
        } catch (java.nio.charset.CharacterCodingException e) {
            return null;
        }
    }

    @Override
    public String toString() {
        return "RouteTable" + routes + " unmatched=" + unmatched;
    }
}
