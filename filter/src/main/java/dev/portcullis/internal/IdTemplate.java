package dev.portcullis.internal;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * The one resource-id template grammar, shared by the route table ({@code id:} of a route) and the
 * JAX-RS adapter ({@code @RequiresPermission(id = ...)}). Parsed once, at startup.
 *
 * <pre>
 * template    = *( literal / placeholder )     ; empty: the resource has no id
 * literal     = 1*( any character except "{" and "}" )
 * placeholder = "{" [ source ":" ] name "}"     ; no spaces inside the braces
 * source      = "path" / "query"
 * name        = ( ALPHA / DIGIT / "_" ) *( ALPHA / DIGIT / "_" / "-" / "." )
 * </pre>
 * {@code {name}} is the request parameter {@code name}: for a route, the path parameter of that
 * name in the route's path template; in JAX-RS, the path parameter, or the query parameter of that
 * name when the path has none. {@code {path:name}} and {@code {query:name}} name the source
 * (routes match paths only, so they refuse {@code query:}). Placeholders and literal text
 * concatenate: {@code "{tenant}/doc-{id}"}.
 *
 * <p>Names are those JAX-RS allows for template parameters ({@code \w[\w.-]*}, ASCII), so every
 * path parameter a resource can declare can be named; route path parameters follow the same rule.
 * Spaces or other characters inside the braces, which the former JAX-RS grammar let through, are
 * refused.
 *
 * <p>Usage: {@code IdTemplate.parse("{tenant}/{id}").resolve((source, name) -> params.get(name))}.
 *
 * <p>Internal API: not for use outside Portcullis. Thread safety: immutable.
 */
public final class IdTemplate {
    /** Where a placeholder's value comes from. */
    public enum Source {
        /** {@code {name}}: the adapter's default (a path parameter, in JAX-RS else a query parameter). */
        ANY,
        /** {@code {path:name}}. */
        PATH,
        /** {@code {query:name}}. */
        QUERY
    }

    /** Looks up a request parameter for a placeholder; null when the request has none. */
    @FunctionalInterface
    public interface Parameters {
        /**
         * @param source where the template says the value comes from
         * @param name the parameter name
         * @return the value, or null when absent
         */
        String get(Source source, String name);
    }

    /** One placeholder of a template. */
    public static final class Placeholder {
        private final Source source;
        private final String name;

        Placeholder(Source source, String name) {
            this.source = source;
            this.name = name;
        }

        public Source source() {
            return source;
        }

        public String name() {
            return name;
        }
    }

    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9_][A-Za-z0-9_.-]*");
    private static final IdTemplate NONE = new IdTemplate("", List.of());

    private final String template;
    /** Literal parts are Strings, placeholders {@link Placeholder}s. */
    private final List<Object> parts;

    private IdTemplate(String template, List<Object> parts) {
        this.template = template;
        this.parts = List.copyOf(parts);
    }

    /**
     * Parses a template; null or empty gives the empty template (no id).
     *
     * @throws IllegalArgumentException naming the template and what is wrong with it
     */
    public static IdTemplate parse(String template) {
        if (template == null || template.isEmpty()) {
            return NONE;
        }
        List<Object> parts = new ArrayList<>();
        int i = 0;
        while (i < template.length()) {
            int open = template.indexOf('{', i);
            int close = template.indexOf('}', i);
            if (close >= 0 && (open < 0 || close < open)) {
                throw new IllegalArgumentException("id template '" + template + "' has an unbalanced '}'");
            }
            if (open < 0) {
                parts.add(template.substring(i));
                break;
            }
            if (open > i) {
                parts.add(template.substring(i, open));
            }
            if (close < 0) {
                throw new IllegalArgumentException("id template '" + template + "' has an unbalanced '{'");
            }
            parts.add(placeholder(template, template.substring(open + 1, close)));
            i = close + 1;
        }
        return new IdTemplate(template, parts);
    }

    private static Placeholder placeholder(String template, String inside) {
        Source source = Source.ANY;
        String name = inside;
        if (inside.startsWith("path:")) {
            source = Source.PATH;
            name = inside.substring("path:".length());
        } else if (inside.startsWith("query:")) {
            source = Source.QUERY;
            name = inside.substring("query:".length());
        }
        if (name.isEmpty() || name.indexOf('{') >= 0) {
            throw new IllegalArgumentException("id template '" + template + "' has an empty or malformed placeholder");
        }
        if (!NAME.matcher(name).matches()) {
            throw new IllegalArgumentException("id template '" + template + "' has placeholder {" + inside
                    + "}: a name is a letter, digit or _ followed by letters, digits, _, - or ., optionally"
                    + " after path: or query:");
        }
        return new Placeholder(source, name);
    }

    /** Whether the template is empty (a kind-level check with a null id). */
    public boolean isEmpty() {
        return parts.isEmpty();
    }

    /** The placeholders, in order. */
    public List<Placeholder> placeholders() {
        List<Placeholder> out = new ArrayList<>();
        for (Object p : parts) {
            if (p instanceof Placeholder) {
                out.add((Placeholder) p);
            }
        }
        return out;
    }

    /**
     * The resource id for a request, or null when the template is empty.
     *
     * @throws MissingParameterException when a placeholder cannot be filled
     */
    public String resolve(Parameters parameters) throws MissingParameterException {
        if (parts.size() == 1) {
            return value(parts.get(0), parameters);
        }
        if (parts.isEmpty()) {
            return null;
        }
        StringBuilder out = new StringBuilder();
        for (Object p : parts) {
            out.append(value(p, parameters));
        }
        return out.toString();
    }

    private static String value(Object part, Parameters parameters) throws MissingParameterException {
        if (part instanceof String) {
            return (String) part;
        }
        Placeholder p = (Placeholder) part;
        String value = parameters.get(p.source, p.name);
        if (value == null) {
            throw new MissingParameterException(p.name);
        }
        return value;
    }

    /** The template as written. */
    @Override
    public String toString() {
        return template;
    }

    /** A placeholder the request does not fill. */
    public static final class MissingParameterException extends Exception {
        private static final long serialVersionUID = 1L;

        private final String parameter;

        MissingParameterException(String parameter) {
            super("request has no parameter '" + parameter + "' for the resource id", null, false, false);
            this.parameter = parameter;
        }

        /** The parameter name. */
        public String parameter() {
            return parameter;
        }
    }
}
