package dev.portcullis.jaxrs;

import jakarta.ws.rs.core.MultivaluedHashMap;
import jakarta.ws.rs.core.MultivaluedMap;
import jakarta.ws.rs.core.UriInfo;

import org.junit.jupiter.api.Test;

import java.lang.reflect.Proxy;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class IdTemplateTest {
    private static UriInfo uri(Map<String, String> path, Map<String, String> query) {
        MultivaluedMap<String, String> p = new MultivaluedHashMap<>(path);
        MultivaluedMap<String, String> q = new MultivaluedHashMap<>(query);
        return (UriInfo) Proxy.newProxyInstance(UriInfo.class.getClassLoader(), new Class<?>[] {UriInfo.class},
                (proxy, method, args) -> {
                    switch (method.getName()) {
                        case "getPathParameters":
                            return p;
                        case "getQueryParameters":
                            return q;
                        default:
                            throw new UnsupportedOperationException(method.getName());
                    }
                });
    }

    @Test
    void resolveWhenPathParameterThenItsValue() throws Exception {
        String id = IdTemplate.parse("{docId}").resolve(uri(Map.of("docId", "42"), Map.of("docId", "7")));

        assertThat(id).isEqualTo("42");
    }

    @Test
    void resolveWhenOnlyQueryParameterThenQueryValue() throws Exception {
        assertThat(IdTemplate.parse("{docId}").resolve(uri(Map.of(), Map.of("docId", "7")))).isEqualTo("7");
    }

    @Test
    void resolveWhenExplicitQuerySourceThenPathIgnored() throws Exception {
        String id = IdTemplate.parse("{query:docId}").resolve(uri(Map.of("docId", "42"), Map.of("docId", "7")));

        assertThat(id).isEqualTo("7");
    }

    @Test
    void resolveWhenLiteralAndPlaceholdersThenConcatenated() throws Exception {
        String id = IdTemplate.parse("{path:tenant}/doc-{docId}")
                .resolve(uri(Map.of("tenant", "acme", "docId", "42"), Map.of()));

        assertThat(id).isEqualTo("acme/doc-42");
    }

    @Test
    void resolveWhenEmptyTemplateThenNull() throws Exception {
        assertThat(IdTemplate.parse("").resolve(uri(Map.of(), Map.of()))).isNull();
    }

    @Test
    void resolveWhenParameterMissingThenRefusedNamingIt() {
        assertThatThrownBy(() -> IdTemplate.parse("{path:docId}").resolve(uri(Map.of(), Map.of("docId", "7"))))
                .isInstanceOf(IdTemplate.MissingParameterException.class)
                .hasMessage("request has no parameter 'docId' for the resource id");
    }

    @Test
    void parseWhenEmptyPlaceholderThenFails() {
        assertThatThrownBy(() -> IdTemplate.parse("doc-{}"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("id template 'doc-{}' has an empty or malformed placeholder");
    }

    @Test
    void parseWhenStrayClosingBraceThenFails() {
        assertThatThrownBy(() -> IdTemplate.parse("doc}"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("id template 'doc}' has an unbalanced '}'");
    }

    @Test
    void parseWhenNameIsNotAnIdentifierThenFailsAsTheEngineGrammarSays() {
        assertThatThrownBy(() -> IdTemplate.parse("{doc id}"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("id template '{doc id}' has placeholder {doc id}: a name is a letter, digit or _");
        // what JAX-RS itself allows in a template parameter name is accepted
        assertThat(IdTemplate.parse("{doc-id}")).isNotNull();
        assertThatThrownBy(() -> IdTemplate.parse("{ docId }"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("id template '{ docId }' has placeholder { docId }");
    }

    @Test
    void parseWhenNameIsAnIdentifierThenResolves() throws Exception {
        assertThat(IdTemplate.parse("{doc_id2}").resolve(uri(Map.of("doc_id2", "9"), Map.of()))).isEqualTo("9");
        assertThat(IdTemplate.parse("{docId}").toString()).isEqualTo("{docId}");
        assertThat(IdTemplate.parse("{docId}").isEmpty()).isFalse();
        assertThat(IdTemplate.parse("").isEmpty()).isTrue();
    }
}
