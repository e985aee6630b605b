package dev.portcullis.internal;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Paths for decision records and log lines lose their path parameters (issue 14, 5d); the servlet
 * filter's requests are tested over HTTP in {@code PathAttackTest} and on real servers in
 * {@code ContextPathContractTests}.
 */
class RequestPathsTest {
    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource({
            "/app/admin, /app/admin",
            "/app/admin;jsessionid=ABC, /app/admin",
            "/app;jsessionid=ABC/admin, /app/admin",
            "/app;a=1;b=2/x;y/z;, /app/x/z",
            "'/;', '/'"})
    void withoutParametersWhenPathParametersThenRemovedFromEverySegment(String raw, String expected) {
        assertThat(RequestPaths.withoutParameters(raw)).isEqualTo(expected);
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource({
            "/api/documents/1, /api/documents/1",
            "/api/documents/1;jsessionid=ABC, /api/documents/1",
            "/api;x=1/%64ocuments//1, /api/documents/1",
            "/api/./x/../documents/1/, /api/documents/1/",
            "/, /",
            "/api/documents%2f1;jsessionid=ABC, /api/documents%2f1"})
    void forRecordWhenRawPathThenNormalisedWithoutParameters(String raw, String expected) {
        assertThat(RequestPaths.forRecord(raw)).isEqualTo(expected);
    }
}
