package dev.portcullis.internal.route;

import dev.portcullis.config.ConfigurationException;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** A route's {@code id} follows the shared id-template grammar (dev.portcullis.internal.IdTemplate). */
class RouteIdTemplateTest {
    private static RouteTable table(String path, String id) {
        return RouteTable.parse("routes:\n  - route: GET " + path + "\n    resource: document\n    action: read\n"
                + (id == null ? "" : "    id: \"" + id + "\"\n"), "routes.yaml", "portcullis.routes");
    }

    @Test
    void matchWhenIdIsOnePlaceholderThenPathValue() {
        assertThat(table("/t/{tenant}/docs/{id}", "{id}").match("GET", "/t/acme/docs/42").resourceId())
                .isEqualTo("42");
        assertThat(table("/t/{tenant}/docs/{id}", "{path:id}").match("GET", "/t/acme/docs/42").resourceId())
                .isEqualTo("42");
    }

    @Test
    void matchWhenIdCombinesLiteralAndPlaceholdersThenConcatenated() {
        assertThat(table("/t/{tenant}/docs/{id}", "{tenant}/doc-{id}").match("GET", "/t/acme/docs/42").resourceId())
                .isEqualTo("acme/doc-42");
    }

    @Test
    void matchWhenIdLiteralOrAbsentThenLiteralOrNull() {
        assertThat(table("/settings", "singleton").match("GET", "/settings").resourceId()).isEqualTo("singleton");
        assertThat(table("/settings", null).match("GET", "/settings").resourceId()).isNull();
        assertThat(table("/settings", "").match("GET", "/settings").resourceId()).isNull();
    }

    @Test
    void parseWhenIdNamesNoPathParameterThenFailsNamingSettingAndRoute() {
        assertThatThrownBy(() -> table("/docs/{id}", "{tenant}/{id}"))
                .isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("portcullis.routes")
                .hasMessageContaining("routes.yaml route #1: id {tenant}/{id} is not a parameter of '/docs/{id}'");
    }

    @Test
    void parseWhenIdNamesQueryParameterThenFails() {
        assertThatThrownBy(() -> table("/docs/{id}", "{query:id}"))
                .isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("routes.yaml route #1: id {query:id} names a query parameter;"
                        + " routes match paths only, use {id} for a path parameter");
    }

    @Test
    void parseWhenIdTemplateMalformedThenFailsNamingIt() {
        assertThatThrownBy(() -> table("/docs/{id}", "{id"))
                .isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("routes.yaml route #1: id template '{id' has an unbalanced '{'");
        assertThatThrownBy(() -> table("/docs/{id}", "{id}-{ id }"))
                .isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("routes.yaml route #1: id template '{id}-{ id }' has placeholder { id }");
    }
}
