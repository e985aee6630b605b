package dev.portcullis.token.internal;

import dev.portcullis.config.ConfigurationException;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class PrincipalIdsTest {
    private static final byte[] SECRET = "0123456789abcdefghijklmnopqrstuvwxyzABCDEF".getBytes(StandardCharsets.US_ASCII);

    private static IssuerConfig issuer(String iss, String prefix) {
        return IssuerConfig.builder(iss).audiences("api").hmacSecret(SECRET).principalPrefix(prefix).build();
    }

    private static List<String> subjects(String alphabet, int maxLength) {
        List<String> out = new ArrayList<>();
        List<String> level = List.of("");
        for (int n = 1; n <= maxLength; n++) {
            List<String> next = new ArrayList<>();
            for (String s : level) {
                for (char c : alphabet.toCharArray()) {
                    next.add(s + c);
                }
            }
            out.addAll(next);
            level = next;
        }
        return out;
    }

    @Test
    void idWhenEveryShortSubjectOfEveryIssuerThenNoTwoPrincipalsShareAnId() {
        PrincipalIds ids = PrincipalIds.of(List.of(issuer("https://a", ""), issuer("https://b", "b:"),
                issuer("https://c", "c:"), issuer("https://d", "bc")));
        Map<String, String> owner = new HashMap<>();
        int refused = 0;
        for (String iss : List.of("https://a", "https://b", "https://c", "https://d")) {
            for (String sub : subjects("bc:", 4)) {
                if (ids.collision(iss, sub) != null) {
                    assertThat(iss).as("only the unprefixed issuer has subjects without an id").isEqualTo("https://a");
                    assertThat(sub).matches("(b:|c:|bc).*");
                    refused++;
                    continue;
                }
                String id = ids.id(iss, sub);
                String previous = owner.put(id, iss + " " + sub);
                assertThat(previous).as("id %s of %s %s", id, iss, sub).isNull();
                assertThat(ids.issuerOf(id)).as("id %s belongs to its issuer", id).contains(iss);
            }
        }
        assertThat(refused).isPositive();
        assertThat(ids.id("https://a", "alice")).isEqualTo("alice");
        assertThat(ids.id("https://b", "alice")).isEqualTo("b:alice");
    }

    @Test
    void idWhenOneIssuerThenTheSubjectWhateverItLooksLike() {
        PrincipalIds ids = PrincipalIds.of(List.of(issuer("https://a", "")));
        assertThat(ids.severalIssuers()).isFalse();
        assertThat(ids.id("https://a", "b:alice")).isSameAs(ids.id("https://a", "b:alice")).isEqualTo("b:alice");
        assertThat(ids.collision("https://other", "alice")).isEqualTo("issuer is not configured");
        assertThatThrownBy(() -> ids.id("https://other", "alice")).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void ofWhenTwoEmptyOrOverlappingPrefixesThenRefusedNamingBothIssuers() {
        assertThatThrownBy(() -> PrincipalIds.of(List.of(issuer("https://a", ""), issuer("https://b", ""))))
                .isInstanceOf(ConfigurationException.class).hasMessageContaining("https://a")
                .hasMessageContaining("https://b").hasMessageContaining("empty principal prefix");
        assertThatThrownBy(() -> PrincipalIds.of(List.of(issuer("https://a", "p:"), issuer("https://b", "p:"))))
                .isInstanceOf(ConfigurationException.class).hasMessageContaining("overlap");
        assertThatThrownBy(() -> PrincipalIds.of(List.of(issuer("https://a", "p:"), issuer("https://b", "p:x"))))
                .isInstanceOf(ConfigurationException.class).hasMessageContaining("overlap");
        assertThat(PrincipalIds.of(List.of(issuer("https://a", "p:"), issuer("https://b", "q:"))).severalIssuers())
                .as("positive control").isTrue();
    }

    @Test
    void issuerOfWhenNoUnprefixedIssuerOrNothingAfterThePrefixThenEmpty() {
        PrincipalIds ids = PrincipalIds.of(List.of(issuer("https://a", "a:"), issuer("https://b", "b:")));
        assertThat(ids.issuerOf("alice")).isEmpty();
        assertThat(ids.issuerOf("a:")).isEmpty();
        assertThat(ids.issuerOf("a:alice")).contains("https://a");
    }

    @Test
    void principalPrefixWhenControlCharacterOrSpaceThenRefused() {
        assertThatThrownBy(() -> issuer("https://a", "p\n")).isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("printable");
        assertThatThrownBy(() -> issuer("https://a", "p ")).isInstanceOf(ConfigurationException.class);
        assertThat(issuer("https://a", "p:").principalPrefix()).isEqualTo("p:");
    }
}
