package dev.portcullis.internal.route;

import dev.portcullis.internal.IdTemplate;

import java.util.List;
import java.util.Map;

/**
 * One protected endpoint: {@code METHOD /path/{param}} mapped to a resource kind, an action and
 * the template ({@link IdTemplate}) that builds the resource id from the path parameters.
 *
 * <p>Thread safety: immutable.
 */
public final class Route {
    private final String method;
    private final String template;
    private final String resourceKind;
    private final String action;
    private final String idTemplate;
    private final IdTemplate id;
    private final String source;
    /** The {@code scope} template, or null when the route names none; set by the table. */
    IdTemplate scopeTemplate;
    /** The {@code policyVersion}, or null for the default; set by the table. */
    String policyVersion;
    final String[] segments;
    final boolean[] isParameter;

    Route(String method, String template, String resourceKind, String action, String idTemplate, IdTemplate id,
          String source) {
        this.method = method;
        this.template = template;
        this.resourceKind = resourceKind;
        this.action = action;
        this.idTemplate = idTemplate;
        this.id = id;
        this.source = source;
        List<String> parts = RouteTable.split(template);
        this.segments = new String[parts.size()];
        this.isParameter = new boolean[parts.size()];
        for (int i = 0; i < parts.size(); i++) {
            String p = parts.get(i);
            isParameter[i] = p.startsWith("{") && p.endsWith("}");
            segments[i] = isParameter[i] ? p.substring(1, p.length() - 1) : p;
        }
    }

    public String method() {
        return method;
    }

    /** The path template, e.g. {@code /api/documents/{id}}. */
    public String template() {
        return template;
    }

    public String resourceKind() {
        return resourceKind;
    }

    public String action() {
        return action;
    }

    /**
     * The id template as written (the {@link IdTemplate} grammar: literal text and {@code {param}}
     * placeholders), or null when the resource has no id.
     */
    public String idTemplate() {
        return idTemplate;
    }

    /** Where the route was defined (file and line), for error messages. */
    public String source() {
        return source;
    }

    /** The resource id for the given path parameters, or null. */
    String resourceId(Map<String, String> parameters) {
        try {
            return id.resolve((from, name) -> parameters.get(name));
        } catch (IdTemplate.MissingParameterException e) {
            return null; // not reached: every placeholder was checked against the path at load
        }
    }

    /** The policy version the route decides with (Cerbos {@code version}), or null for the default. */
    public String policyVersion() {
        return policyVersion;
    }

    /** The scope for the given path parameters, or null when the route names none. */
    String scope(Map<String, String> parameters) {
        if (scopeTemplate == null) {
            return null;
        }
        try {
            return scopeTemplate.resolve((from, name) -> parameters.get(name));
        } catch (IdTemplate.MissingParameterException e) {
            return null; // not reached: every placeholder was checked against the path at load
        }
    }

    /** Literal segments before parameters: a higher score is more specific. */
    int specificity() {
        int score = 0;
        for (boolean p : isParameter) {
            score = score * 2 + (p ? 0 : 1);
        }
        return score;
    }

    @Override
    public String toString() {
        return method + " " + template + " -> " + resourceKind + ":" + action
                + (idTemplate == null ? "" : " id=" + idTemplate)
                + (scopeTemplate == null ? "" : " scope=" + scopeTemplate);
    }
}
