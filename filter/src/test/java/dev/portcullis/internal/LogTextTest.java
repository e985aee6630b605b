package dev.portcullis.internal;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class LogTextTest {
    @Test
    void safe_whenPlainThenUnchanged() {
        assertThat(LogText.safe("/api/documents/42?x=1")).isEqualTo("/api/documents/42?x=1");
        assertThat(LogText.safe("Zoë 文書")).isEqualTo("Zoë 文書");
    }

    @Test
    void safe_whenLineBreaksOrEscapesThenReplaced() {
        assertThat(LogText.safe("alice\r\n2026-12-01 INFO forged")).isEqualTo("alice??2026-12-01 INFO forged");
        assertThat(LogText.safe("\u001b[31mred")).isEqualTo("?[31mred");
        assertThat(LogText.safe("a\u2028b\u2029c\u202ed")).isEqualTo("a?b?c?d");
        assertThat(LogText.safe("x\ud800y")).isEqualTo("x?y");
    }

    @Test
    void safe_whenLongThenCut() {
        assertThat(LogText.safe("abcdef", 3)).isEqualTo("abc...");
        assertThat(LogText.safe("x".repeat(300))).hasSize(LogText.DEFAULT_MAX + 3);
        assertThat(LogText.safe(null)).isEqualTo("null");
    }
}
