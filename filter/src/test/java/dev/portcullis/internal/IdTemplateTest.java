package dev.portcullis.internal;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The one id-template grammar, as the route table and the JAX-RS adapter both use it. */
class IdTemplateTest {
    private static final IdTemplate.Parameters PATH_ONLY = (source, name) ->
            source == IdTemplate.Source.QUERY ? null : Map.of("tenant", "acme", "id", "42").get(name);

    @Test
    void resolveWhenSinglePlaceholderThenParameterValue() throws Exception {
        assertThat(IdTemplate.parse("{id}").resolve(PATH_ONLY)).isEqualTo("42");
        assertThat(IdTemplate.parse("{path:id}").resolve(PATH_ONLY)).isEqualTo("42");
    }

    @Test
    void resolveWhenLiteralAndPlaceholdersThenConcatenatedInOrder() throws Exception {
        assertThat(IdTemplate.parse("{tenant}/doc-{id}").resolve(PATH_ONLY)).isEqualTo("acme/doc-42");
        assertThat(IdTemplate.parse("singleton").resolve(PATH_ONLY)).isEqualTo("singleton");
    }

    @Test
    void resolveWhenSourceGivenThenLookupToldWhichSource() throws Exception {
        assertThat(IdTemplate.parse("{query:id}").resolve((source, name) -> source + ":" + name))
                .isEqualTo("QUERY:id");
        assertThat(IdTemplate.parse("{id}").resolve((source, name) -> source + ":" + name)).isEqualTo("ANY:id");
    }

    @Test
    void resolveWhenEmptyOrNullTemplateThenNoId() throws Exception {
        assertThat(IdTemplate.parse("").resolve(PATH_ONLY)).isNull();
        assertThat(IdTemplate.parse(null).isEmpty()).isTrue();
        assertThat(IdTemplate.parse("x").isEmpty()).isFalse();
    }

    @Test
    void resolveWhenParameterMissingThenRefusedNamingIt() {
        assertThatThrownBy(() -> IdTemplate.parse("{query:id}").resolve(PATH_ONLY))
                .isInstanceOf(IdTemplate.MissingParameterException.class)
                .hasMessage("request has no parameter 'id' for the resource id")
                .extracting(e -> ((IdTemplate.MissingParameterException) e).parameter()).isEqualTo("id");
    }

    @Test
    void placeholdersWhenParsedThenInOrderWithSource() {
        assertThat(IdTemplate.parse("{tenant}/{query:id}").placeholders())
                .extracting(p -> p.source() + " " + p.name())
                .containsExactly("ANY tenant", "QUERY id");
    }

    @ParameterizedTest
    @ValueSource(strings = {"{id", "doc-{id", "{a}{b"})
    void parseWhenOpeningBraceUnbalancedThenFails(String template) {
        assertThatThrownBy(() -> IdTemplate.parse(template))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("id template '" + template + "' has an unbalanced '{'");
    }

    @ParameterizedTest
    @ValueSource(strings = {"id}", "}{id}", "{id}}"})
    void parseWhenClosingBraceUnbalancedThenFails(String template) {
        assertThatThrownBy(() -> IdTemplate.parse(template))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("id template '" + template + "' has an unbalanced '}'");
    }

    @ParameterizedTest
    @ValueSource(strings = {"{}", "{path:}", "{query:}", "{{id}}"})
    void parseWhenPlaceholderEmptyThenFails(String template) {
        assertThatThrownBy(() -> IdTemplate.parse(template))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("id template '" + template + "' has an");
    }

    @ParameterizedTest
    @ValueSource(strings = {"{ id }", "{-id}", "{.id}", "{header:id}", "{path: id}", "{doc id}", "{doc/id}"})
    void parseWhenNameNotAnIdentifierThenFails(String template) {
        assertThatThrownBy(() -> IdTemplate.parse(template))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("id template '" + template + "' has placeholder ")
                .hasMessageEndingWith(": a name is a letter, digit or _ followed by letters, digits, _, - or .,"
                        + " optionally after path: or query:");
    }

    @ParameterizedTest
    @ValueSource(strings = {"{docId}", "{_x}", "{doc_id2}", "{path:docId}", "{query:docId}", "a-{x}-b", "{doc-id}",
        "{doc.id}", "{1id}"})
    void parseWhenNamesAreIdentifiersThenAccepted(String template) {
        assertThat(IdTemplate.parse(template).toString()).isEqualTo(template);
    }
}
