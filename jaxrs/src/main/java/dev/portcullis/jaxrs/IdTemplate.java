package dev.portcullis.jaxrs;

import jakarta.ws.rs.core.UriInfo;

/**
 * A parsed {@link RequiresPermission#id()} template, parsed once at deployment with the engine's
 * one id-template grammar ({@link dev.portcullis.internal.IdTemplate}: literal text and
 * {@code {name}}, {@code {path:name}} or {@code {query:name}} placeholders). Here {@code {name}}
 * is the path parameter, or the query parameter of that name when the path has none.
 *
 * <p>Thread safety: immutable.
 */
final class IdTemplate {
    private final dev.portcullis.internal.IdTemplate template;

    private IdTemplate(dev.portcullis.internal.IdTemplate template) {
        this.template = template;
    }

    /**
     * Parses a template.
     *
     * @throws IllegalArgumentException naming the template when a brace is unbalanced or a
     *         placeholder is empty or not a name
     */
    static IdTemplate parse(String template) {
        return new IdTemplate(dev.portcullis.internal.IdTemplate.parse(template));
    }

    /** Whether the template is empty (a kind-level check with a null id). */
    boolean isEmpty() {
        return template.isEmpty();
    }

    /**
     * The resource id for a request, or {@code null} when the template is empty.
     *
     * @throws MissingParameterException when a placeholder cannot be filled
     */
    String resolve(UriInfo uri) throws MissingParameterException {
        try {
            return template.resolve((source, name) -> {
                switch (source) {
                    case PATH:
                        return uri.getPathParameters(true).getFirst(name);
                    case QUERY:
                        return uri.getQueryParameters(true).getFirst(name);
                    default:
                        String value = uri.getPathParameters(true).getFirst(name);
                        return value != null ? value : uri.getQueryParameters(true).getFirst(name);
                }
            });
        } catch (dev.portcullis.internal.IdTemplate.MissingParameterException e) {
            throw new MissingParameterException(e.parameter());
        }
    }

    /** Whether a placeholder names a query parameter explicitly ({@code {query:name}}). */
    boolean namesQueryParameter() {
        for (dev.portcullis.internal.IdTemplate.Placeholder p : template.placeholders()) {
            if (p.source() == dev.portcullis.internal.IdTemplate.Source.QUERY) {
                return true;
            }
        }
        return false;
    }

    /**
     * The value for a request from path parameters only (used for scopes).
     *
     * @throws MissingParameterException when a placeholder names no path parameter of the request
     */
    String resolvePath(UriInfo uri) throws MissingParameterException {
        try {
            return template.resolve((source, name) -> uri.getPathParameters(true).getFirst(name));
        } catch (dev.portcullis.internal.IdTemplate.MissingParameterException e) {
            throw new MissingParameterException(e.parameter());
        }
    }

    @Override
    public String toString() {
        return template.toString();
    }

    /** A placeholder the request does not fill. */
    static final class MissingParameterException extends Exception {
        private static final long serialVersionUID = 1L;

        MissingParameterException(String parameter) {
            super("request has no parameter '" + parameter + "' for the resource id", null, false, false);
        }
    }
}
