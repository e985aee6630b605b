package dev.portcullis.attributes.internal;

import dev.portcullis.attributes.PrincipalAttributes;
import dev.portcullis.config.ConfigurationException;
import java.net.URI;
import java.util.concurrent.Callable;

/**
 * Runs inside {@link ClusteredClassIsolationTest}'s isolated class loader: builds and uses an
 * attribute cache, node-local ({@code cluster == false}) or clustered, and reports what happened.
 */
public final class LocalNodeProbe implements Callable<String> {
    private final boolean cluster;

    public LocalNodeProbe(Boolean cluster) {
        this.cluster = cluster;
    }

    @Override
    public String call() throws Exception {
        AttributeCache.Builder builder = AttributeCache.builder()
                .source((issuer, subject) -> PrincipalAttributes.builder(issuer, subject).role("user")
                        .loadedAt(java.time.Instant.EPOCH).build());
        if (cluster) {
            builder.cluster(URI.create("terracotta://127.0.0.1:1/portcullis"));
        }
        try (AttributeCache cache = builder.build()) {
            return cache.get("https://issuer.example", "bob").status() + " clustered=" + cache.clustered();
        } catch (ConfigurationException e) {
            return "refused: " + e.getMessage();
        }
    }
}
