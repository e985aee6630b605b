package dev.portcullis.policy.internal;

import com.networknt.schema.Error;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaLocation;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SpecificationVersion;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The {@code schemas} block of a resource policy (Cerbos "Schemas"): JSON Schemas (draft 2020-12)
 * for the principal's and the resource's attributes, read from the {@code _schemas} folder of the
 * policy directory and referenced as {@code cerbos:///path.json}, with {@code ignoreWhen.actions}
 * (action names or patterns) for which a schema is not checked. Validated with
 * {@code com.networknt:json-schema-validator} (an optional dependency: {@link PolicyLoader} refuses a
 * policy that declares schemas without it, before this class is loaded). Remote references are never fetched.
 *
 * <p>Thread safety: immutable; the compiled schemas are safe for concurrent use.
 */
final class Schemas {
    /** The URI scheme prefix Cerbos uses for schemas in its store. */
    static final String PREFIX = "cerbos:///";
    private static final JsonMapper JSON = JsonMapper.builder().build();

    private final Part principal;
    private final Part resource;

    private Schemas(Part principal, Part resource) {
        this.principal = principal;
        this.resource = resource;
    }

    /** One side (principal or resource): the compiled schema and the actions it ignores. */
    private static final class Part {
        final String ref;
        final Schema schema;
        final List<String> ignore;

        Part(String ref, Schema schema, List<String> ignore) {
            this.ref = ref;
            this.schema = schema;
            this.ignore = ignore;
        }

        boolean ignores(String action) {
            for (String a : ignore) {
                if (PolicySet.Glob.matches(a, null, action)) {
                    return true;
                }
            }
            return false;
        }
    }

    /**
     * Compiles a {@code schemas} block.
     *
     * @param files the {@code _schemas} folder's JSON files by relative path
     */
    static Schemas compile(YamlNode node, Map<String, String> files) {
        YamlNode.Fields f = node.fields("schemas", "principalSchema", "resourceSchema");
        Map<String, String> byIri = new LinkedHashMap<>();
        for (Map.Entry<String, String> e : files.entrySet()) {
            byIri.put(PREFIX + e.getKey(), e.getValue());
        }
        SchemaRegistry registry = SchemaRegistry.withDefaultDialect(SpecificationVersion.DRAFT_2020_12,
                b -> b.schemas(byIri).schemaLoader(l -> l.fetchRemoteResources(false)));
        return new Schemas(part(f.get("principalSchema"), registry, byIri),
                part(f.get("resourceSchema"), registry, byIri));
    }

    private static Part part(YamlNode node, SchemaRegistry registry, Map<String, String> byIri) {
        if (node == null) {
            return null;
        }
        YamlNode.Fields f = node.fields("schema", "ref", "ignoreWhen");
        String ref = f.text("ref");
        if (!ref.startsWith(PREFIX)) {
            throw f.require("ref").error("schema ref must be cerbos:///path under the _schemas folder, was '" + ref + "'");
        }
        if (!byIri.containsKey(ref)) {
            throw f.require("ref").error("schema '" + ref + "' not found: no file _schemas/"
                    + ref.substring(PREFIX.length()) + " in the policy directory");
        }
        List<String> ignore = List.of();
        if (f.has("ignoreWhen")) {
            ignore = List.copyOf(f.require("ignoreWhen").fields("ignoreWhen", "actions").texts("actions"));
        }
        try {
            Schema schema = registry.getSchema(SchemaLocation.of(ref));
            schema.initializeValidators();
            return new Part(ref, schema, ignore);
        } catch (RuntimeException e) {
            throw f.require("ref").error("schema '" + ref + "' does not compile: " + e.getMessage());
        }
    }

    /**
     * The validation problems for this action, or null when the attributes are valid (or the
     * action is ignored): {@code principal: /path: message; resource: ...}.
     */
    String validate(Map<String, Object> principalAttr, Map<String, Object> resourceAttr, String action) {
        List<String> problems = null;
        problems = check(principal, principalAttr, action, "principal", problems);
        problems = check(resource, resourceAttr, action, "resource", problems);
        return problems == null ? null : "attributes do not match the policy's schemas: " + String.join("; ", problems);
    }

    /** The principal side's problems for this action, or null (plans check it up front). */
    String validatePrincipal(Map<String, Object> principalAttr, String action) {
        List<String> problems = check(principal, principalAttr, action, "principal", null);
        return problems == null ? null : "attributes do not match the policy's schemas: " + String.join("; ", problems);
    }

    /** Whether the resource's attributes are validated for this action. */
    boolean checksResource(String action) {
        return resource != null && !resource.ignores(action);
    }

    private static List<String> check(Part p, Map<String, Object> attr, String action, String side,
                                      List<String> problems) {
        if (p == null || p.ignores(action)) {
            return problems;
        }
        JsonNode json = JSON.valueToTree(attr);
        List<Error> errors = p.schema.validate(json);
        if (errors.isEmpty()) {
            return problems;
        }
        List<String> out = problems == null ? new ArrayList<>() : problems;
        for (Error e : errors) {
            out.add(side + " " + e.getInstanceLocation() + ": " + e.getMessage());
        }
        return out;
    }
}
