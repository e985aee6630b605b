package dev.portcullis.jaxrs;

import jakarta.ws.rs.core.UriInfo;

import java.util.ArrayList;
import java.util.List;

/**
 * A parsed {@link RequiresPermission#id()} template: literal text and {@code {name}},
 * {@code {path:name}} or {@code {query:name}} placeholders, parsed once at deployment.
 *
 * <p>Thread safety: immutable.
 */
final class IdTemplate {
    private static final IdTemplate NONE = new IdTemplate("", List.of());

    private enum Source { LITERAL, PATH_OR_QUERY, PATH, QUERY }

    private static final class Part {
        final Source source;
        final String text;

        Part(Source source, String text) {
            this.source = source;
            this.text = text;
        }
    }

    private final String template;
    private final List<Part> parts;

    private IdTemplate(String template, List<Part> parts) {
        this.template = template;
        this.parts = List.copyOf(parts);
    }

    /**
     * Parses a template.
     *
     * @throws IllegalArgumentException naming the template when a brace is unbalanced or a
     *         placeholder is empty
     */
    static IdTemplate parse(String template) {
        if (template == null || template.isEmpty()) {
            return NONE;
        }
        List<Part> parts = new ArrayList<>();
        int i = 0;
        while (i < template.length()) {
            int open = template.indexOf('{', i);
            int close = template.indexOf('}', i);
            if (open < 0) {
                if (close >= 0) {
                    throw new IllegalArgumentException("id template '" + template + "' has an unbalanced '}'");
                }
                parts.add(new Part(Source.LITERAL, template.substring(i)));
                break;
            }
            if (close >= 0 && close < open) {
                throw new IllegalArgumentException("id template '" + template + "' has an unbalanced '}'");
            }
            if (open > i) {
                parts.add(new Part(Source.LITERAL, template.substring(i, open)));
            }
            close = template.indexOf('}', open);
            if (close < 0) {
                throw new IllegalArgumentException("id template '" + template + "' has an unbalanced '{'");
            }
            parts.add(placeholder(template, template.substring(open + 1, close).trim()));
            i = close + 1;
        }
        return new IdTemplate(template, parts);
    }

    private static Part placeholder(String template, String inside) {
        Source source = Source.PATH_OR_QUERY;
        String name = inside;
        if (inside.startsWith("path:")) {
            source = Source.PATH;
            name = inside.substring("path:".length()).trim();
        } else if (inside.startsWith("query:")) {
            source = Source.QUERY;
            name = inside.substring("query:".length()).trim();
        }
        if (name.isEmpty() || name.indexOf('{') >= 0) {
            throw new IllegalArgumentException("id template '" + template + "' has an empty or malformed placeholder");
        }
        return new Part(source, name);
    }

    /** Whether the template is empty (a kind-level check with a null id). */
    boolean isEmpty() {
        return parts.isEmpty();
    }

    /**
     * The resource id for a request, or {@code null} when the template is empty.
     *
     * @throws MissingParameterException when a placeholder cannot be filled
     */
    String resolve(UriInfo uri) throws MissingParameterException {
        if (parts.isEmpty()) {
            return null;
        }
        StringBuilder out = new StringBuilder();
        for (Part p : parts) {
            String value;
            switch (p.source) {
                case LITERAL:
                    value = p.text;
                    break;
                case PATH:
                    value = uri.getPathParameters(true).getFirst(p.text);
                    break;
                case QUERY:
                    value = uri.getQueryParameters(true).getFirst(p.text);
                    break;
                default:
                    value = uri.getPathParameters(true).getFirst(p.text);
                    if (value == null) {
                        value = uri.getQueryParameters(true).getFirst(p.text);
                    }
                    break;
            }
            if (value == null) {
                throw new MissingParameterException(p.text);
            }
            out.append(value);
        }
        return out.toString();
    }

    @Override
    public String toString() {
        return template;
    }

    /** A placeholder the request does not fill. */
    static final class MissingParameterException extends Exception {
        private static final long serialVersionUID = 1L;

        MissingParameterException(String parameter) {
            super("request has no parameter '" + parameter + "' for the resource id", null, false, false);
        }
    }
}
