package dev.portcullis.attributes.internal;

import dev.portcullis.attributes.PrincipalAttributes;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.portcullis.config.ConfigurationException;
import dev.portcullis.config.Settings;
import java.net.URI;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The clustered-mode settings are checked at once, naming the setting; none reaches a server. */
class AttributeCacheClusterSettingsTest {

    private static AttributeCache.Builder builder() {
        return AttributeCache.builder();
    }

    @Test
    void clusterWhenTerracottaUriThenAccepted() {
        assertThat(builder().cluster(URI.create("terracotta://127.0.0.1:9410/portcullis"))).isNotNull();
        assertThat(builder().cluster(URI.create("TERRACOTTA://tc.example/portcullis"))).isNotNull();
    }

    @Test
    void clusterWhenOtherSchemeThenRefusedNamingTheSetting() {
        assertThatThrownBy(() -> builder().cluster(URI.create("http://127.0.0.1:9410/portcullis")))
                .isInstanceOf(ConfigurationException.class)
                .hasMessage(AttributeCache.CLUSTER_URI + ": must be a terracotta:// URI, was 'http://127.0.0.1:9410/portcullis'");
    }

    @Test
    void clusterWhenNoEntityOrNestedPathThenRefused() {
        assertThatThrownBy(() -> builder().cluster(URI.create("terracotta://127.0.0.1:9410")))
                .hasMessageStartingWith(AttributeCache.CLUSTER_URI + ": must be terracotta://host[:port]/entity");
        assertThatThrownBy(() -> builder().cluster(URI.create("terracotta://127.0.0.1:9410/a/b")))
                .hasMessageStartingWith(AttributeCache.CLUSTER_URI + ": must be terracotta://host[:port]/entity");
        assertThatThrownBy(() -> builder().cluster(URI.create("terracotta:///portcullis")))
                .hasMessageStartingWith(AttributeCache.CLUSTER_URI + ": must name a host");
    }

    @Test
    void clusterMbWhenInRangeThenAcceptedElseRefused() {
        assertThat(builder().clusterMb(1)).isNotNull();
        assertThatThrownBy(() -> builder().clusterMb(0))
                .hasMessage(AttributeCache.CLUSTER_MB + ": must be between 1 and 1048576, was 0");
    }

    @Test
    void clusterTimeoutWhenPositiveAndShortThenAcceptedElseRefused() {
        assertThat(builder().clusterTimeout(Duration.ofMillis(200))).isNotNull();
        assertThatThrownBy(() -> builder().clusterTimeout(Duration.ZERO))
                .hasMessage(AttributeCache.CLUSTER_TIMEOUT + ": must be positive, was PT0S");
        assertThatThrownBy(() -> builder().clusterTimeout(Duration.ofMinutes(2)))
                .hasMessage(AttributeCache.CLUSTER_TIMEOUT + ": must be at most 1 minute, was PT2M");
    }

    @Test
    void clusterResourceWhenNameThenAcceptedElseRefused() {
        assertThat(builder().clusterResource("primary-server-resource")).isNotNull();
        assertThatThrownBy(() -> builder().clusterResource(" main"))
                .hasMessage(AttributeCache.CLUSTER_RESOURCE + ": must be a resource name, was ' main'");
    }

    @Test
    void settingsWhenBadClusterUriThenConfigurationExceptionNamingIt() {
        Settings bad = Settings.of(Map.of(AttributeCache.CLUSTER_URI, "terracotta://host:9410/a b"));
        assertThatThrownBy(() -> builder().settings(bad))
                .isInstanceOf(ConfigurationException.class)
                .hasMessageStartingWith(AttributeCache.CLUSTER_URI + ": ");
        Settings good = Settings.of(Map.of(AttributeCache.CLUSTER_URI, "terracotta://host:9410/portcullis",
                AttributeCache.CLUSTER_MB, "8", AttributeCache.CLUSTER_TIMEOUT, "500ms"));
        assertThat(builder().settings(good)).isNotNull();
    }

    @Test
    void buildWhenClusterAndEhcacheXmlThenRefused() throws Exception {
        AttributeCache.Builder b = builder()
                .source((issuer, subject) -> PrincipalAttributes.unknown(issuer, subject, java.time.Instant.EPOCH))
                .cluster(URI.create("terracotta://127.0.0.1:9410/portcullis"))
                .ehcacheXml(new URI("file:///nonexistent.xml").toURL(), "portcullis-attributes");
        assertThatThrownBy(b::build).isInstanceOf(IllegalStateException.class)
                .hasMessage(AttributeCache.EHCACHE_XML + " and " + AttributeCache.CLUSTER_URI
                        + " both configure the cache tiers; set only one");
    }
}
