package dev.portcullis.attributes.internal;

import dev.portcullis.attributes.AttributeSource;
import static dev.portcullis.attributes.internal.AttributeCache.CLUSTER_MB;
import static dev.portcullis.attributes.internal.AttributeCache.CLUSTER_RESOURCE;
import static dev.portcullis.attributes.internal.AttributeCache.CLUSTER_TIMEOUT;
import static dev.portcullis.attributes.internal.AttributeCache.CLUSTER_URI;
import static dev.portcullis.attributes.internal.AttributeCache.EHCACHE_ALIAS;
import static dev.portcullis.attributes.internal.AttributeCache.EHCACHE_XML;
import static dev.portcullis.attributes.internal.AttributeCache.LOADER_THREADS;
import static dev.portcullis.attributes.internal.AttributeCache.LOAD_TIMEOUT;
import static dev.portcullis.attributes.internal.AttributeCache.MAX_ENTRIES;
import static dev.portcullis.attributes.internal.AttributeCache.NEGATIVE_TTL;
import static dev.portcullis.attributes.internal.AttributeCache.OFFHEAP_MB;
import static dev.portcullis.attributes.internal.AttributeCache.RETRY_AFTER;
import static dev.portcullis.attributes.internal.AttributeCache.STALE_WINDOW;
import static dev.portcullis.attributes.internal.AttributeCache.TTL;

import dev.portcullis.config.ConfigurationException;
import dev.portcullis.config.Settings;
import java.net.MalformedURLException;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Clock;
import java.time.Duration;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;

/**
 * What an {@link AttributeCache.Builder} collects: every setter checks its value at once with a
 * {@link ConfigurationException} naming the setting, {@link #read(Settings)} turns
 * settings into the same setter calls ({@link ConfigurationException} naming the setting), and
 * {@link #check()} refuses the combinations that cannot work. The parts of the cache read the
 * fields when it is built (and keep their own copies).
 *
 * <p>Thread safety: not thread-safe; one per builder.
 */
final class CacheOptions {
    private static final Duration MAX_DURATION = Duration.ofDays(365);

    AttributeSource source;
    Clock clock = Clock.systemUTC();
    Duration ttl = Duration.ofSeconds(30);
    long maxEntries = 10_000;
    boolean maxEntriesSet;
    long offHeapMb;
    Duration negativeTtl = Duration.ofSeconds(5);
    Duration staleWindow = Duration.ofSeconds(60);
    Duration loadTimeout = Duration.ofSeconds(2);
    Duration retryAfter = Duration.ofSeconds(5);
    int loaderThreads = 4;
    int loaderQueue = 1024;
    URL ehcacheXml;
    String ehcacheAlias = AttributeCache.DEFAULT_ALIAS;
    URI clusterUri;
    String clusterResource = AttributeCache.DEFAULT_CLUSTER_RESOURCE;
    long clusterMb = 32;
    Duration clusterTimeout = Duration.ofSeconds(1);

    void source(AttributeSource source) {
        this.source = Objects.requireNonNull(source, "source");
    }

    void clock(Clock clock) {
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    void ttl(Duration ttl) {
        this.ttl = positive(TTL, ttl);
    }

    void maxEntries(long maxEntries) {
        if (maxEntries <= 0) {
            throw new ConfigurationException(MAX_ENTRIES, "must be positive, was " + maxEntries);
        }
        this.maxEntries = maxEntries;
        this.maxEntriesSet = true;
    }

    void offHeapMb(long offHeapMb) {
        if (offHeapMb < 0) {
            throw new ConfigurationException(OFFHEAP_MB, "must be 0 or positive, was " + offHeapMb);
        }
        this.offHeapMb = offHeapMb;
    }

    void negativeTtl(Duration negativeTtl) {
        this.negativeTtl = notNegative(NEGATIVE_TTL, negativeTtl);
    }

    void staleWindow(Duration staleWindow) {
        this.staleWindow = notNegative(STALE_WINDOW, staleWindow);
    }

    void loadTimeout(Duration loadTimeout) {
        this.loadTimeout = positive(LOAD_TIMEOUT, loadTimeout);
    }

    void retryAfter(Duration retryAfter) {
        this.retryAfter = positive(RETRY_AFTER, retryAfter);
    }

    void loaderThreads(int loaderThreads) {
        if (loaderThreads < 1 || loaderThreads > 256) {
            throw new ConfigurationException(LOADER_THREADS, "must be between 1 and 256, was "
                    + loaderThreads);
        }
        this.loaderThreads = loaderThreads;
    }

    void ehcacheXml(URL xml, String alias) {
        this.ehcacheXml = Objects.requireNonNull(xml, EHCACHE_XML);
        Objects.requireNonNull(alias, EHCACHE_ALIAS);
        if (alias.isBlank()) {
            throw new ConfigurationException(EHCACHE_ALIAS, "must not be blank");
        }
        this.ehcacheAlias = alias;
    }

    void cluster(URI uri) {
        Objects.requireNonNull(uri, CLUSTER_URI);
        String scheme = uri.getScheme();
        if (scheme == null || !scheme.toLowerCase(Locale.ROOT).equals("terracotta")) {
            throw new ConfigurationException(CLUSTER_URI, "must be a terracotta:// URI, was '" + uri + "'");
        }
        if (uri.getHost() == null) {
            throw new ConfigurationException(CLUSTER_URI, "must name a host, was '" + uri + "'");
        }
        String path = uri.getPath();
        if (path == null || path.length() < 2 || path.indexOf('/', 1) >= 0 || uri.getQuery() != null
                || uri.getFragment() != null || uri.getUserInfo() != null) {
            throw new ConfigurationException(CLUSTER_URI,
                    "must be terracotta://host[:port]/entity with one path segment, was '" + uri + "'");
        }
        this.clusterUri = uri;
    }

    void clusterResource(String resource) {
        Objects.requireNonNull(resource, CLUSTER_RESOURCE);
        if (resource.isBlank() || !resource.strip().equals(resource)) {
            throw new ConfigurationException(CLUSTER_RESOURCE, "must be a resource name, was '"
                    + resource + "'");
        }
        this.clusterResource = resource;
    }

    void clusterMb(long mb) {
        if (mb < 1 || mb > 1_048_576) {
            throw new ConfigurationException(CLUSTER_MB, "must be between 1 and 1048576, was " + mb);
        }
        this.clusterMb = mb;
    }

    void clusterTimeout(Duration timeout) {
        positive(CLUSTER_TIMEOUT, timeout);
        if (timeout.compareTo(Duration.ofMinutes(1)) > 0) {
            throw new ConfigurationException(CLUSTER_TIMEOUT, "must be at most 1 minute, was " + timeout);
        }
        this.clusterTimeout = timeout;
    }

    /**
     * Applies the cache settings (not the source ones); an unset setting keeps the current value.
     *
     * @throws ConfigurationException naming the first bad setting
     */
    void read(Settings s) {
        Objects.requireNonNull(s, "settings");
        apply(TTL, () -> ttl(s.getDuration(TTL, ttl)));
        if (s.get(MAX_ENTRIES).isPresent()) {
            apply(MAX_ENTRIES, () -> maxEntries(s.getInt(MAX_ENTRIES, 0)));
        }
        apply(OFFHEAP_MB, () -> offHeapMb(s.getInt(OFFHEAP_MB, 0)));
        apply(NEGATIVE_TTL, () -> negativeTtl(s.getDuration(NEGATIVE_TTL, negativeTtl)));
        apply(STALE_WINDOW, () -> staleWindow(s.getDuration(STALE_WINDOW, staleWindow)));
        apply(LOAD_TIMEOUT, () -> loadTimeout(s.getDuration(LOAD_TIMEOUT, loadTimeout)));
        apply(RETRY_AFTER, () -> retryAfter(s.getDuration(RETRY_AFTER, retryAfter)));
        apply(LOADER_THREADS, () -> loaderThreads(s.getInt(LOADER_THREADS, loaderThreads)));
        Optional<String> cluster = s.get(CLUSTER_URI);
        if (cluster.isPresent() && !cluster.get().isBlank()) {
            apply(CLUSTER_URI, () -> {
                try {
                    cluster(new URI(cluster.get().strip()));
                } catch (URISyntaxException e) {
                    throw new ConfigurationException(CLUSTER_URI, "is not a URI: '" + cluster.get() + "'", e);
                }
            });
        }
        apply(CLUSTER_RESOURCE, () -> clusterResource(s.get(CLUSTER_RESOURCE, clusterResource)));
        apply(CLUSTER_MB, () -> clusterMb(s.getInt(CLUSTER_MB, (int) clusterMb)));
        apply(CLUSTER_TIMEOUT, () -> clusterTimeout(s.getDuration(CLUSTER_TIMEOUT, clusterTimeout)));
        Optional<String> xml = s.get(EHCACHE_XML);
        if (xml.isPresent()) {
            URL url = locate(xml.get());
            apply(EHCACHE_ALIAS, () -> ehcacheXml(url, s.get(EHCACHE_ALIAS, AttributeCache.DEFAULT_ALIAS)));
        }
    }

    /**
     * Refuses what cannot be built: no source, or two settings that both configure the tiers.
     *
     * @throws IllegalStateException naming the settings
     */
    void check() {
        if (source == null) {
            throw new IllegalStateException("an attribute source is required");
        }
        if (ehcacheXml != null && (maxEntriesSet || offHeapMb > 0)) {
            throw new IllegalStateException(EHCACHE_XML + " sets the cache resources; do not also set "
                    + MAX_ENTRIES + " or " + OFFHEAP_MB);
        }
        if (clusterUri != null && ehcacheXml != null) {
            throw new IllegalStateException(EHCACHE_XML + " and " + CLUSTER_URI
                    + " both configure the cache tiers; set only one");
        }
    }

    /** How long a get waits for a load: the load timeout, plus one cluster timeout if clustered. */
    Duration flightTimeout() {
        return clusterUri != null ? loadTimeout.plus(clusterTimeout) : loadTimeout;
    }

    private static URL locate(String value) {
        try {
            if (value.startsWith("classpath:")) {
                String name = value.substring("classpath:".length());
                while (name.startsWith("/")) {
                    name = name.substring(1);
                }
                ClassLoader cl = Thread.currentThread().getContextClassLoader();
                URL url = cl == null ? null : cl.getResource(name);
                if (url == null) {
                    url = AttributeCache.class.getClassLoader().getResource(name);
                }
                if (url == null) {
                    throw new ConfigurationException(EHCACHE_XML, "no class-path resource '" + name + "'");
                }
                return url;
            }
            int colon = value.indexOf(':');
            if (colon > 1) {
                return new URI(value).toURL();
            }
            Path path = Paths.get(value);
            if (!Files.isReadable(path)) {
                throw new ConfigurationException(EHCACHE_XML, "cannot read file '" + value + "'");
            }
            return path.toUri().toURL();
        } catch (URISyntaxException | MalformedURLException | IllegalArgumentException e) {
            throw new ConfigurationException(EHCACHE_XML, "not a path or URL: '" + value + "'", e);
        }
    }

    private static void apply(String setting, Runnable r) {
        try {
            r.run();
        } catch (ConfigurationException e) {
            throw e;
        } catch (IllegalArgumentException e) {
            throw new ConfigurationException(setting, e.getMessage(), e);
        }
    }

    private static Duration positive(String setting, Duration d) {
        Objects.requireNonNull(d, setting);
        if (d.isNegative() || d.isZero()) {
            throw new ConfigurationException(setting, "must be positive, was " + d);
        }
        return notTooLong(setting, d);
    }

    private static Duration notNegative(String setting, Duration d) {
        Objects.requireNonNull(d, setting);
        if (d.isNegative()) {
            throw new ConfigurationException(setting, "must not be negative, was " + d);
        }
        return notTooLong(setting, d);
    }

    private static Duration notTooLong(String setting, Duration d) {
        if (d.compareTo(MAX_DURATION) > 0) {
            throw new ConfigurationException(setting, "must be at most " + MAX_DURATION.toDays()
                    + " days, was " + d);
        }
        return d;
    }
}
