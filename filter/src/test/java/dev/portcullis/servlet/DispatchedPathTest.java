package dev.portcullis.servlet;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The request URI shown in a log line when no dispatched path could be computed loses its path
 * parameters (issue 14, 5d); the requests themselves are tested over HTTP in
 * {@code PathAttackTest} and {@code DispatchAttackTest}.
 */
class DispatchedPathTest {
    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource({
            "/app/admin, /app/admin",
            "/app/admin;jsessionid=ABC, /app/admin",
            "/app;jsessionid=ABC/admin, /app/admin",
            "/app;a=1;b=2/x;y/z;, /app/x/z",
            "'/;', '/'"})
    void withoutParametersWhenPathParametersThenRemovedFromEverySegment(String uri, String expected) {
        assertThat(DispatchedPath.withoutParameters(uri)).isEqualTo(expected);
    }
}
