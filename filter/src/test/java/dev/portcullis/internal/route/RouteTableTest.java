package dev.portcullis.internal.route;

import dev.portcullis.config.ConfigurationException;

import org.junit.jupiter.api.Test;

import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class RouteTableTest {
    private static final String YAML = String.join("\n",
            "unmatched: authenticated",
            "routes:",
            "  - route: GET /api/documents/{id}",
            "    resource: document",
            "    action: read",
            "    id: '{id}'",
            "  - route: PUT /api/documents/{id}",
            "    resource: document",
            "    action: update",
            "    id: '{id}'",
            "  - route: GET /api/documents/latest",
            "    resource: document",
            "    action: list",
            "  - route: POST /api/admin/users/{user}/disable",
            "    resource: user",
            "    action: disable",
            "    id: '{user}'",
            "");

    private final RouteTable table = RouteTable.parse(YAML, "routes.yaml", "portcullis.routes");

    @Test
    void matchWhenTemplateMatchesThenKindActionAndIdFromPath() {
        RouteMatch m = table.match("GET", "/api/documents/42");
        assertThat(m.kind()).isEqualTo(RouteMatch.Kind.MATCHED);
        assertThat(m.route().resourceKind()).isEqualTo("document");
        assertThat(m.route().action()).isEqualTo("read");
        assertThat(m.resourceId()).isEqualTo("42");
    }

    @Test
    void matchWhenLiteralAndParameterBothFitThenLiteralWins() {
        RouteMatch m = table.match("GET", "/api/documents/latest");
        assertThat(m.route().action()).isEqualTo("list");
        assertThat(m.resourceId()).isNull();
    }

    @Test
    void matchWhenHeadThenGetRouteApplies() {
        assertThat(table.match("HEAD", "/api/documents/42").route().action()).isEqualTo("read");
    }

    @Test
    void matchWhenPathCoveredButMethodNotRoutedThenRefused() {
        assertThat(table.match("DELETE", "/api/documents/42").kind()).isEqualTo(RouteMatch.Kind.METHOD_NOT_ROUTED);
        assertThat(table.match("OPTIONS", "/api/documents/42").kind()).isEqualTo(RouteMatch.Kind.METHOD_NOT_ROUTED);
    }

    @Test
    void matchWhenNoRouteCoversPathThenUnmatched() {
        assertThat(table.match("GET", "/app/whoami").kind()).isEqualTo(RouteMatch.Kind.UNMATCHED);
        assertThat(table.unmatched()).isEqualTo(RouteTable.Unmatched.AUTHENTICATED);
    }

    @ParameterizedTest
    @ValueSource(strings = {"/api/documents/42;jsessionid=1", "//api/documents/42", "/api//documents/42",
            "/api/./documents/42", "/api/x/../documents/42", "/api/documents/%34%32"})
    void matchWhenPathNeedsNormalisingThenSameRouteAsCanonical(String path) {
        RouteMatch m = table.match("GET", path);
        assertThat(m.kind()).isEqualTo(RouteMatch.Kind.MATCHED);
        assertThat(m.resourceId()).isEqualTo("42");
    }

    @ParameterizedTest
    @ValueSource(strings = {"/api/documents%2F42", "/api/documents/%2e%2e/%2e%2e/%2e%2e", "/..", "/api/%00",
            "/api/%zz", "/api/documents/4%", "/api\\documents", "/api/documents/%5c42", "/api/%c3%28"})
    void matchWhenPathCannotBeNormalisedSafelyThenUnsafe(String path) {
        assertThat(table.match("GET", path).kind()).isEqualTo(RouteMatch.Kind.UNSAFE_PATH);
    }

    @Test
    void matchWhenEncodedDotsStayWithinRootThenResolved() {
        assertThat(table.match("GET", "/api/x/%2e%2e/documents/7").resourceId()).isEqualTo("7");
    }

    @Test
    void parseWhenTwoRoutesHaveTheSameShapeThenFailsNamingBoth() {
        String yaml = "routes:\n  - {route: 'GET /a/{x}', resource: r, action: a}\n  - {route: 'GET /a/{y}', resource: r, action: b}\n";
        assertThatThrownBy(() -> RouteTable.parse(yaml, "r.yaml", "portcullis.routes"))
                .isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("portcullis.routes")
                .hasMessageContaining("r.yaml route #2")
                .hasMessageContaining("ambiguous");
    }

    @Test
    void parseWhenIdNamesUnknownParameterThenFails() {
        String yaml = "routes:\n  - {route: 'GET /a/{x}', resource: r, action: a, id: '{y}'}\n";
        assertThatThrownBy(() -> RouteTable.parse(yaml, "r.yaml", "portcullis.routes"))
                .hasMessageContaining("id {y} is not a parameter");
    }

    @Test
    void parseWhenScopeOrPolicyVersionThenCheckedAndFilledFromThePath() {
        RouteTable t = RouteTable.parse("routes:\n  - {route: 'GET /t/{tenant}/d/{id}', resource: r, action: a, id: '{id}',"
                + " scope: 'acme.{tenant}', policyVersion: v2}\n", "r.yaml", "portcullis.routes");
        RouteMatch m = t.match("GET", List.of("t", "t1", "d", "7"));
        assertThat(m.scope()).isEqualTo("acme.t1");
        assertThat(m.resourceId()).isEqualTo("7");
        assertThat(m.route().policyVersion()).isEqualTo("v2");
        assertThatThrownBy(() -> RouteTable.parse("routes:\n  - {route: 'GET /t/{tenant}', resource: r, action: a,"
                + " scope: 'acme.{other}'}\n", "r.yaml", "portcullis.routes"))
                .hasMessageContaining("names {other}, which is not a path parameter");
        assertThatThrownBy(() -> RouteTable.parse("routes:\n  - {route: 'GET /t', resource: r, action: a,"
                + " scope: 'a..b'}\n", "r.yaml", "portcullis.routes")).hasMessageContaining("a..b");
        assertThatThrownBy(() -> RouteTable.parse("routes:\n  - {route: 'GET /t', resource: r, action: a,"
                + " policyVersion: 'v.2'}\n", "r.yaml", "portcullis.routes")).hasMessageContaining("policyVersion must be");
    }

    @Test
    void parseWhenUnknownKeyOrMethodThenFails() {
        assertThatThrownBy(() -> RouteTable.parse("routes:\n  - {route: GET /a, resource: r, action: a, roles: x}\n",
                "r.yaml", "portcullis.routes")).hasMessageContaining("unknown key 'roles'");
        assertThatThrownBy(() -> RouteTable.parse("routes:\n  - {route: FETCH /a, resource: r, action: a}\n",
                "r.yaml", "portcullis.routes")).hasMessageContaining("unknown method 'FETCH'");
        assertThatThrownBy(() -> RouteTable.parse("unmatched: maybe\n", "r.yaml", "portcullis.routes"))
                .hasMessageContaining("unmatched must be");
    }

    @Test
    void parseWhenUnmatchedDenyThenReported() {
        RouteTable deny = RouteTable.parse("unmatched: deny\nroutes: []\n", "r.yaml", "portcullis.routes");
        assertThat(deny.unmatched()).isEqualTo(RouteTable.Unmatched.DENY);
        assertThat(deny.match("GET", "/x").kind()).isEqualTo(RouteMatch.Kind.UNMATCHED);
    }

    @Test
    void directoryRouteWhenWelcomeFileRequestedThenNotCoveredAndFileRouteCoversIt() {
        // README: a route for the directory alone does not cover its welcome file; /dir/{file} does
        RouteTable dirOnly = RouteTable.parse("routes:\n  - {route: 'GET /dir', resource: page, action: read}\n",
                "r.yaml", "portcullis.routes");
        assertThat(dirOnly.match("GET", "/dir/").kind()).isEqualTo(RouteMatch.Kind.MATCHED);
        assertThat(dirOnly.match("GET", "/dir/index.html").kind()).isEqualTo(RouteMatch.Kind.UNMATCHED);
        RouteTable both = RouteTable.parse("routes:\n  - {route: 'GET /dir', resource: page, action: read}\n"
                + "  - {route: 'GET /dir/{file}', resource: page, action: read}\n", "r.yaml", "portcullis.routes");
        assertThat(both.match("GET", "/dir/index.html").kind()).isEqualTo(RouteMatch.Kind.MATCHED);
    }
}
