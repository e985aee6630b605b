package dev.portcullis.attributes.internal;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The test extension's own failure path: with no binaries it reports why instead of failing
 * obscurely. (Its success path is every test of {@link PostgresJdbcAttributeSourceTest}.)
 */
class PostgresServerTest {
    @Test
    void startWhenNoBinariesThenUnavailableWithReason(@TempDir Path empty) {
        assertThatThrownBy(() -> PostgresServer.Cluster.start(empty.resolve("absent")))
                .isInstanceOf(PostgresServer.ClusterUnavailable.class)
                .hasMessageContaining("no PostgreSQL binaries");
        assertThatThrownBy(() -> PostgresServer.Cluster.start(empty))
                .isInstanceOf(PostgresServer.ClusterUnavailable.class)
                .hasMessageContaining("no initdb/pg_ctl");
    }
}
