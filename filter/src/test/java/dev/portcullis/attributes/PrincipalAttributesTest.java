package dev.portcullis.attributes;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class PrincipalAttributesTest {
    private static final Instant NOW = Instant.parse("2026-01-01T00:00:00Z");

    @Test
    void builderWhenSupportedValuesThenNormalisedAndUnmodifiable() {
        List<Object> tags = new ArrayList<>(List.of("a", 1, 2.5f));
        PrincipalAttributes p = PrincipalAttributes.builder("iss", "sub").role("admin")
                .attribute("int", 3).attribute("big", BigInteger.TEN).attribute("dec", new BigDecimal("1.5"))
                .attribute("flag", true).attribute("tags", tags).loadedAt(NOW).build();
        tags.add("later");
        assertThat(p.attributes()).containsExactlyInAnyOrderEntriesOf(Map.of("int", 3L, "big", 10L,
                "dec", 1.5, "flag", true, "tags", List.of("a", 1L, 2.5)));
        assertThatThrownBy(() -> p.attributes().put("x", "y")).isInstanceOf(UnsupportedOperationException.class);
        assertThatThrownBy(() -> p.roles().add("root")).isInstanceOf(UnsupportedOperationException.class);
        assertThat(p.isActive()).isTrue();
        assertThat(p.toString()).contains("admin").doesNotContain("[a, 1");
    }

    @Test
    void builderWhenUnsupportedValueThenRejectedNamingAttribute() {
        assertThatThrownBy(() -> PrincipalAttributes.builder("iss", "sub").attribute("born", new Date()))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("born");
        assertThatThrownBy(() -> PrincipalAttributes.builder("iss", "sub").attribute("x", null))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("null");
        assertThatThrownBy(() -> PrincipalAttributes.builder("iss", "sub").attribute("m", Map.of()))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> PrincipalAttributes.builder("iss", "sub")
                .attribute("huge", BigInteger.TWO.pow(70))).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void buildWhenUnknownWithRolesThenRejected() {
        assertThatThrownBy(() -> PrincipalAttributes.builder("iss", "sub").status(PrincipalStatus.UNKNOWN)
                .role("admin").loadedAt(NOW).build()).isInstanceOf(IllegalStateException.class);
        assertThat(PrincipalAttributes.unknown("iss", "sub", NOW).status()).isEqualTo(PrincipalStatus.UNKNOWN);
    }

    @Test
    void builderWhenEmptySubjectOrIssuerThenRejected() {
        assertThatThrownBy(() -> PrincipalAttributes.builder("iss", "")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> PrincipalAttributes.builder("", "sub")).isInstanceOf(IllegalArgumentException.class);
        assertThat(PrincipalKey.of("iss", "sub")).isEqualTo(PrincipalKey.of("iss", "sub"));
    }

    @Test
    void withLoadedAtWhenCalledThenOnlyTheTimeChanges() {
        PrincipalAttributes p = PrincipalAttributes.builder("iss", "sub").role("r").loadedAt(NOW).build();
        PrincipalAttributes later = p.withLoadedAt(NOW.plusSeconds(5));
        assertThat(later.loadedAt()).isEqualTo(NOW.plusSeconds(5));
        assertThat(later.roles()).isEqualTo(p.roles());
        assertThat(later).isNotEqualTo(p);
    }
}
