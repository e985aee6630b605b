package dev.portcullis.attributes.internal;

import dev.portcullis.internal.BoundedClose;
import dev.portcullis.attributes.PrincipalKey;
import static dev.portcullis.attributes.internal.AttributeCache.CLUSTER_URI;
import static dev.portcullis.attributes.internal.AttributeCache.EHCACHE_ALIAS;
import static dev.portcullis.attributes.internal.AttributeCache.EHCACHE_XML;
import static dev.portcullis.attributes.internal.AttributeCache.MAX_ENTRIES;
import static dev.portcullis.attributes.internal.AttributeCache.OFFHEAP_MB;

import dev.portcullis.config.ConfigurationException;
import java.util.List;
import org.ehcache.Cache;
import org.ehcache.CacheManager;
import org.ehcache.config.CacheConfiguration;
import org.ehcache.config.Configuration;
import org.ehcache.config.FluentConfigurationBuilder;
import org.ehcache.config.builders.CacheConfigurationBuilder;
import org.ehcache.config.builders.CacheManagerBuilder;
import org.ehcache.config.builders.ResourcePoolsBuilder;
import org.ehcache.config.units.MemoryUnit;
import org.ehcache.xml.XmlConfiguration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Ehcache side of an {@link AttributeCache}: its cache managers and caches, started from the
 * options, and closed. The tiers are one of:
 * <ul>
 *   <li>node-local: a heap tier of {@code max-entries}, with an off-heap tier of {@code offheap-mb}
 *       if positive;</li>
 *   <li>from an Ehcache XML file: the resource pools (heap, off-heap, disk, clustered) and
 *       cache-manager services of its cache {@code ehcache-alias}; its key and value types, if
 *       declared, are ignored and expiry is always Portcullis's own ({@link Freshness});</li>
 *   <li>clustered ({@code cluster-uri}): a heap (and off-heap) tier over a Terracotta tier, and a
 *       second clustered cache of shared revocations, both built by {@link ClusteredTier}.</li>
 * </ul>
 * {@link ClusteredTier} is referred to only on the clustered path, so a node-local cache never
 * loads it nor any clustered Ehcache class, and the {@code ehcache-clustered} jar may be absent.
 *
 * <p>Thread safety: safe for concurrent use (Ehcache's caches are).
 */
final class CacheTiers {
    private static final Logger LOG = LoggerFactory.getLogger(AttributeCache.class);
    private static final String CLUSTERING_API =
            "org.ehcache.clustered.client.config.builders.ClusteringServiceConfigurationBuilder";

    private final CacheManager manager;
    private final Cache<PrincipalKey, CacheEntry> entries;
    /** Owns the shared revocations; null for a node-local cache. */
    private final CacheManager revocationsManager;
    private final Cache<PrincipalKey, Revocation> revocations;

    private CacheTiers(CacheManager manager, Cache<PrincipalKey, CacheEntry> entries,
            CacheManager revocationsManager, Cache<PrincipalKey, Revocation> revocations) {
        this.manager = manager;
        this.entries = entries;
        this.revocationsManager = revocationsManager;
        this.revocations = revocations;
    }

    /**
     * Starts the tiers the options describe (already {@linkplain CacheOptions#check() checked}).
     *
     * @throws ConfigurationException naming {@value AttributeCache#CLUSTER_URI} if the clustered
     *     jar is missing or the cluster cannot be reached, {@value AttributeCache#EHCACHE_XML} or
     *     {@value AttributeCache#EHCACHE_ALIAS} if the XML cannot be read or lacks the alias, or the
     *     resource setting if Ehcache cannot start the cache
     */
    static CacheTiers start(CacheOptions o) {
        ClassLoader loader = AttributeCache.class.getClassLoader();
        if (o.clusterUri != null) {
            try {
                Class.forName(CLUSTERING_API, false, loader);
            } catch (ClassNotFoundException | LinkageError e) {
                throw new ConfigurationException(CLUSTER_URI, "clustered mode needs "
                        + "org.ehcache:ehcache-clustered on the class path", e);
            }
            return startClustered(o, loader);
        }
        if (o.ehcacheXml == null) {
            ResourcePoolsBuilder pools = ResourcePoolsBuilder.heap(o.maxEntries);
            if (o.offHeapMb > 0) {
                pools = pools.offheap(o.offHeapMb, MemoryUnit.MB);
            }
            return start(o, CacheManagerBuilder.newCacheManagerBuilder()
                    .withClassLoader(loader)
                    .withCache(o.ehcacheAlias, CacheConfigurationBuilder.newCacheConfigurationBuilder(
                            PrincipalKey.class, CacheEntry.class, pools))
                    .build(false), o.ehcacheAlias, null);
        }
        return start(o, CacheManagerBuilder.newCacheManager(fromXml(o, loader)), o.ehcacheAlias, null);
    }

    /** The attributes cache. */
    Cache<PrincipalKey, CacheEntry> entries() {
        return entries;
    }

    /** The clustered cache of shared revocations; null for a node-local cache. */
    Cache<PrincipalKey, Revocation> sharedRevocations() {
        return revocations;
    }

    /**
     * Closes the attributes' manager, then the revocations' (each failure logged, not thrown),
     * waiting at most {@link #CLOSE_LIMIT}: with the Terracotta server gone, Ehcache waits minutes
     * for it before releasing a clustered tier ({@link BoundedClose}).
     */
    void close() {
        BoundedClose.close("the attribute cache", () -> {
            try {
                manager.close();
            } catch (RuntimeException e) {
                LOG.warn("Closing the attribute cache failed", e);
            }
            if (revocationsManager != null) {
                try {
                    revocationsManager.close();
                } catch (RuntimeException e) {
                    LOG.warn("Closing the shared revocations failed", e);
                }
            }
        }, CLOSE_LIMIT);
    }

    /** How long an engine's close waits for the cache managers (a clustered one may wait for its server). */
    static final java.time.Duration CLOSE_LIMIT = java.time.Duration.ofSeconds(10);

    private static Configuration fromXml(CacheOptions o, ClassLoader loader) {
        XmlConfiguration xml;
        try {
            xml = new XmlConfiguration(o.ehcacheXml, loader);
        } catch (RuntimeException e) {
            throw new ConfigurationException(EHCACHE_XML, "cannot read Ehcache XML " + o.ehcacheXml
                    + ": " + e.getMessage(), e);
        }
        CacheConfiguration<?, ?> declared = xml.getCacheConfigurations().get(o.ehcacheAlias);
        if (declared == null) {
            throw new ConfigurationException(EHCACHE_ALIAS, "no cache '" + o.ehcacheAlias + "' in "
                    + o.ehcacheXml + " (caches: " + xml.getCacheConfigurations().keySet() + ")");
        }
        FluentConfigurationBuilder<?> derived = xml.derive().withClassLoader(loader);
        for (String alias : List.copyOf(xml.getCacheConfigurations().keySet())) {
            derived = derived.withoutCache(alias);
        }
        return derived.withCache(o.ehcacheAlias, CacheConfigurationBuilder.newCacheConfigurationBuilder(
                PrincipalKey.class, CacheEntry.class, declared.getResourcePools()).build()).build();
    }

    private static CacheTiers startClustered(CacheOptions o, ClassLoader loader) {
        CacheManager revocationsManager = ClusteredTier.revocationsManager(loader, o.clusterUri, o.clusterResource,
                o.clusterTimeout, o.ttl.plus(o.staleWindow).plusMinutes(1));
        try {
            revocationsManager.init();
        } catch (RuntimeException e) {
            try {
                revocationsManager.close();
            } catch (RuntimeException suppressed) {
                e.addSuppressed(suppressed);
            }
            throw new ConfigurationException(CLUSTER_URI, "cannot connect to the attribute cluster "
                    + o.clusterUri + ": " + e.getMessage(), e);
        }
        try {
            return start(o, ClusteredTier.attributesManager(loader, o.clusterUri, o.clusterResource, o.clusterMb,
                    o.maxEntries, o.offHeapMb, o.clusterTimeout), ClusteredTier.ATTRIBUTES, revocationsManager);
        } catch (RuntimeException e) {
            try {
                revocationsManager.close();
            } catch (RuntimeException suppressed) {
                e.addSuppressed(suppressed);
            }
            throw e;
        }
    }

    private static CacheTiers start(CacheOptions o, CacheManager manager, String alias,
            CacheManager revocationsManager) {
        try {
            manager.init();
            Cache<PrincipalKey, CacheEntry> cache = manager.getCache(alias, PrincipalKey.class, CacheEntry.class);
            Cache<PrincipalKey, Revocation> shared = revocationsManager == null ? null
                    : revocationsManager.getCache(ClusteredTier.REVOCATIONS, PrincipalKey.class, Revocation.class);
            return new CacheTiers(manager, cache, revocationsManager, shared);
        } catch (RuntimeException e) {
            try {
                manager.close();
            } catch (RuntimeException suppressed) {
                e.addSuppressed(suppressed);
            }
            throw new ConfigurationException(revocationsManager != null ? CLUSTER_URI
                    : o.ehcacheXml != null ? EHCACHE_XML : o.offHeapMb > 0 ? OFFHEAP_MB : MAX_ENTRIES,
                    "cannot start the attribute cache: " + e.getMessage(), e);
        }
    }
}
