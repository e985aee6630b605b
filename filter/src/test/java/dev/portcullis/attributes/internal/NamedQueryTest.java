package dev.portcullis.attributes.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class NamedQueryTest {
    @Test
    void parseWhenNamedParametersThenPlaceholdersInOrder() {
        NamedQuery q = NamedQuery.parse("q",
                "SELECT status::text FROM t WHERE subject = :subject AND (issuer = :issuer OR issuer = ':issuer')"
                        + " -- :nothing ? here\n AND s = :subject");
        assertThat(q.sql).isEqualTo("SELECT status::text FROM t WHERE subject = ? AND (issuer = ? OR issuer = ':issuer')"
                + " -- :nothing ? here\n AND s = ?");
        assertThat(q.parameters).containsExactly("subject", "issuer", "subject");
    }

    @Test
    void parseWhenPositionalOrUnknownParameterThenRejected() {
        assertThatThrownBy(() -> NamedQuery.parse("q", "SELECT 1 WHERE a = ?"))
                .hasMessageContaining(":issuer");
        assertThatThrownBy(() -> NamedQuery.parse("q", "SELECT 1 WHERE a = :who"))
                .hasMessageContaining(":who");
        assertThatThrownBy(() -> NamedQuery.parse("q", "SELECT 'open"))
                .hasMessageContaining("quote");
    }
}
