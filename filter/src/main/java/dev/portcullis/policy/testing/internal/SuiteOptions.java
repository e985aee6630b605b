package dev.portcullis.policy.testing.internal;

import dev.portcullis.policy.PrincipalContext;
import dev.portcullis.policy.internal.CelValues;
import dev.portcullis.policy.internal.YamlNode;

import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Map;

/**
 * The {@code options} of a Cerbos test suite or test ({@code now}, {@code defaultPolicyVersion},
 * {@code defaultScope}, {@code lenientScopeSearch}, {@code globals}), a test's inheriting the
 * suite's. Part of {@link PolicyTestRunner}.
 *
 * <p>Thread safety: immutable.
 */
final class SuiteOptions {
    static final SuiteOptions NONE = new SuiteOptions(null, null, null, null, null);
    final Instant now;
    final String defaultVersion;
    final String defaultScope;
    final Boolean lenient;
    final Map<String, Object> globals;

    SuiteOptions(Instant now, String defaultVersion, String defaultScope, Boolean lenient, Map<String, Object> globals) {
        this.now = now;
        this.defaultVersion = defaultVersion;
        this.defaultScope = defaultScope;
        this.lenient = lenient;
        this.globals = globals;
    }

    static SuiteOptions read(YamlNode node, SuiteOptions parent) {
        if (node == null) {
            return parent;
        }
        YamlNode.Fields o = node.fields("options", "now", "defaultPolicyVersion", "defaultScope",
                "lenientScopeSearch", "globals");
        String defaultScope = parent.defaultScope;
        if (o.has("defaultScope")) {
            try {
                defaultScope = PrincipalContext.checkScope(o.text("defaultScope"));
            } catch (IllegalArgumentException e) {
                throw o.require("defaultScope").error(e.getMessage());
            }
        }
        Boolean lenient = parent.lenient;
        if (o.has("lenientScopeSearch")) {
            lenient = o.require("lenientScopeSearch").bool("lenientScopeSearch");
        }
        Map<String, Object> globals = parent.globals;
        if (o.has("globals")) {
            Object g = o.require("globals").toJava();
            if (!(g instanceof Map)) {
                throw o.require("globals").error("options.globals must be a mapping");
            }
            @SuppressWarnings("unchecked")
            Map<String, Object> gm = (Map<String, Object>) g;
            globals = CelValues.attributes(gm);
        }
        Instant now = parent.now;
        if (o.has("now")) {
            try {
                now = java.time.OffsetDateTime.parse(o.text("now")).toInstant();
            } catch (DateTimeParseException e) {
                throw o.require("now").error("options.now must be an RFC 3339 timestamp, was '" + o.text("now") + "'");
            }
        }
        return new SuiteOptions(now, o.text("defaultPolicyVersion", parent.defaultVersion), defaultScope, lenient,
                globals);
    }
}
