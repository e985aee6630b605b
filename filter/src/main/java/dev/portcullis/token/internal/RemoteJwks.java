package dev.portcullis.token.internal;

import dev.portcullis.PortcullisException;
import dev.portcullis.Reason;

import org.jose4j.json.JsonUtil;
import org.jose4j.jwk.JsonWebKey;
import org.jose4j.jwk.JsonWebKeySet;
import org.jose4j.lang.JoseException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The keys of an issuer fetched from a JWKS URL, or from the {@code jwks_uri} of its OpenID
 * Connect discovery document.
 *
 * <ul>
 *   <li>Keys are cached for the response's {@code Cache-Control: max-age} (clamped to 30 s – 24 h),
 *       or the configured TTL (default 10 minutes) when absent.</li>
 *   <li>An unknown {@code kid} triggers a refresh at most once per refresh interval (default 30 s);
 *       concurrent callers wait for that single fetch rather than starting their own.</li>
 *   <li>When the endpoint fails, the last good keys stay in use up to the stale-if-error limit
 *       (default 24 h); with no good keys at all the answer is {@code keys_unavailable} (503).</li>
 *   <li>Keys with {@code use} other than {@code sig}, and documents that are not a JWKS, are
 *       ignored or refused; fetches are bounded in time and size by {@link HttpFetcher}. Which
 *       keys may verify which algorithm is {@link SignatureVerifier}'s concern.</li>
 *   <li>A key id that disappears, or whose key or {@code alg}/{@code use}/{@code key_ops} change,
 *       is reported to the removal listener (which drops the tokens cached for it).</li>
 * </ul>
 *
 * <p>Thread safety: thread-safe; fetches are single-flight.
 */
final class RemoteJwks implements KeySet {
    private static final Logger LOG = LoggerFactory.getLogger(RemoteJwks.class);
    private static final Pattern MAX_AGE = Pattern.compile("max-age\\s*=\\s*(\\d+)");
    private static final Duration MIN_TTL = Duration.ofSeconds(30);
    private static final Duration MAX_TTL = Duration.ofHours(24);

    /** Immutable state after one successful fetch. */
    private static final class Snapshot {
        final List<JsonWebKey> keys;
        final Instant fetchedAt;
        final Instant expiresAt;

        Snapshot(List<JsonWebKey> keys, Instant fetchedAt, Instant expiresAt) {
            this.keys = keys;
            this.fetchedAt = fetchedAt;
            this.expiresAt = expiresAt;
        }
    }

    private final String issuer;
    private final URI uri;
    private final boolean discovery;
    private final HttpFetcher fetcher;
    private final Clock clock;
    private final Duration defaultTtl;
    private final Duration refreshInterval;
    private final Duration staleIfError;
    private final Consumer<Set<String>> onKeysRemoved;
    private final ReentrantLock fetchLock = new ReentrantLock();
    private final AtomicLong fetches = new AtomicLong();
    private final AtomicLong failures = new AtomicLong();

    private volatile Snapshot snapshot;
    private volatile URI jwksUri;
    /** Time of the last fetch attempt, successful or not, guarded by fetchLock. */
    private Instant lastAttempt = Instant.MIN;
    /** Counts completed attempts so a waiting thread can tell that one finished while it waited. */
    private volatile long attempts;

    RemoteJwks(String issuer, URI uri, boolean discovery, HttpFetcher fetcher, Clock clock,
               Duration defaultTtl, Duration refreshInterval, Duration staleIfError,
               Consumer<Set<String>> onKeysRemoved) {
        this.issuer = issuer;
        this.uri = uri;
        this.discovery = discovery;
        this.fetcher = fetcher;
        this.clock = clock;
        this.defaultTtl = defaultTtl;
        this.refreshInterval = refreshInterval;
        this.staleIfError = staleIfError;
        this.onKeysRemoved = onKeysRemoved;
        this.jwksUri = discovery ? null : uri;
    }

    /** Number of HTTP fetches of the key set made so far (for tests and metrics). */
    long fetchCount() {
        return fetches.get();
    }

    /**
     * The keys' state now; with {@code refresh}, after {@link #current()} had its chance to fetch
     * them (so a health check on an idle engine sees whether keys can be had, at most once per
     * refresh interval). Metrics read it without refreshing: a scrape never waits for the network.
     */
    IssuerKeyStatus status(boolean refresh) {
        if (refresh) {
            try {
                current();
            } catch (PortcullisException e) {
                // reported as UNAVAILABLE below
            }
        }
        Snapshot s = snapshot;
        Instant now = clock.instant();
        IssuerKeyStatus.State state;
        if (s == null || (now.isAfter(s.fetchedAt.plus(staleIfError)) && now.isAfter(s.expiresAt))) {
            state = IssuerKeyStatus.State.UNAVAILABLE;
        } else {
            state = now.isBefore(s.expiresAt) ? IssuerKeyStatus.State.FRESH : IssuerKeyStatus.State.STALE;
        }
        return new IssuerKeyStatus(issuer, state, s == null ? null : s.fetchedAt, fetches.get(), failures.get());
    }

    @Override
    public List<JsonWebKey> current() throws PortcullisException {
        Snapshot s = snapshot;
        Instant now = clock.instant();
        if (s != null && now.isBefore(s.expiresAt)) {
            return s.keys;
        }
        if (s == null) {
            return refresh();
        }
        // Expired: one thread refreshes; the others keep using the current keys meanwhile.
        if (fetchLock.tryLock()) {
            try {
                if (snapshot == s && rateAllows(now)) {
                    fetchAndSwap(now);
                }
            } finally {
                fetchLock.unlock();
            }
        }
        return usable(snapshot, clock.instant());
    }

    @Override
    public List<JsonWebKey> refreshForUnknownKey() throws PortcullisException {
        return refresh();
    }

    /**
     * Single-flight, rate-limited refresh: callers queue on the lock; the first fetches (if the
     * refresh interval allows), the rest see that an attempt completed while they waited and use
     * its result.
     */
    private List<JsonWebKey> refresh() throws PortcullisException {
        long seen = attempts;
        fetchLock.lock();
        try {
            if (attempts == seen && rateAllows(clock.instant())) {
                fetchAndSwap(clock.instant());
            }
            return usable(snapshot, clock.instant());
        } finally {
            fetchLock.unlock();
        }
    }

    private boolean rateAllows(Instant now) {
        return !now.isBefore(lastAttempt.plus(refreshInterval));
    }

    private List<JsonWebKey> usable(Snapshot s, Instant now) throws PortcullisException {
        if (s == null) {
            throw new PortcullisException(Reason.KEYS_UNAVAILABLE,
                    "no keys for issuer " + issuer + " could be fetched from " + uri, null,
                    Math.max(1, refreshInterval.toSeconds()));
        }
        if (now.isAfter(s.fetchedAt.plus(staleIfError)) && now.isAfter(s.expiresAt)) {
            throw new PortcullisException(Reason.KEYS_UNAVAILABLE,
                    "keys for issuer " + issuer + " are older than the stale-if-error limit", null,
                    Math.max(1, refreshInterval.toSeconds()));
        }
        return s.keys;
    }

    /** Fetches and installs a new snapshot; on failure logs and keeps the old one. Holds fetchLock. */
    private void fetchAndSwap(Instant now) {
        lastAttempt = now;
        try {
            URI target = jwksUri;
            if (target == null) {
                target = discover();
                jwksUri = target;
            }
            fetches.incrementAndGet();
            HttpFetcher.Response response = fetcher.get(target);
            if (response.status != 200) {
                throw new IOException("HTTP " + response.status + " from " + target);
            }
            List<JsonWebKey> keys = parse(new String(response.body, StandardCharsets.UTF_8));
            Duration ttl = ttl(response.cacheControl.orElse(null));
            Snapshot old = snapshot;
            snapshot = new Snapshot(keys, now, now.plus(ttl));
            if (old != null) {
                Set<String> removed = removedOrChanged(old.keys, keys);
                if (!removed.isEmpty()) {
                    LOG.info("issuer {}: keys {} were removed from {} or changed there", issuer, removed, target);
                    onKeysRemoved.accept(removed);
                }
            }
            LOG.debug("issuer {}: {} keys from {}, cached for {}", issuer, keys.size(), target, ttl);
        } catch (IOException | JoseException | RuntimeException e) {
            failures.incrementAndGet();
            if (discovery) {
                jwksUri = null; // rediscover next time: the document may have moved the keys
            }
            Snapshot s = snapshot;
            LOG.warn("issuer {}: fetching keys from {} failed ({}); {}", issuer, uri, e.getMessage(),
                    s == null ? "no keys available" : "keeping " + s.keys.size() + " keys fetched at " + s.fetchedAt);
        } finally {
            attempts++;
        }
    }

    private URI discover() throws IOException, JoseException {
        HttpFetcher.Response response = fetcher.get(uri);
        if (response.status != 200) {
            throw new IOException("HTTP " + response.status + " from discovery " + uri);
        }
        Map<String, Object> doc = JsonUtil.parseJson(new String(response.body, StandardCharsets.UTF_8));
        Object declared = doc.get("issuer");
        if (!issuer.equals(declared)) {
            throw new IOException("discovery document names issuer '" + declared + "', expected '" + issuer + "'");
        }
        Object jwks = doc.get("jwks_uri");
        if (!(jwks instanceof String)) {
            throw new IOException("discovery document has no jwks_uri");
        }
        URI target = URI.create((String) jwks);
        String scheme = target.getScheme() == null ? "" : target.getScheme().toLowerCase(Locale.ROOT);
        if (!scheme.equals("https") && !(scheme.equals("http") && IssuerConfig.Builder.isLoopback(target.getHost()))) {
            throw new IOException("jwks_uri must be https: " + target);
        }
        return target;
    }

    static List<JsonWebKey> parse(String json) throws JoseException {
        JsonWebKeySet set = new JsonWebKeySet(json);
        List<JsonWebKey> keys = new ArrayList<>();
        for (JsonWebKey k : set.getJsonWebKeys()) {
            String use = k.getUse();
            if (use != null && !use.equals("sig")) {
                continue; // encryption keys never verify signatures
            }
            if (!(k instanceof org.jose4j.jwk.PublicJsonWebKey)) {
                continue; // symmetric keys never come from a key URL
            }
            keys.add(k);
        }
        return List.copyOf(keys);
    }

    /**
     * The key ids whose keys are gone, or now differ in key material or in what they may verify
     * ({@code alg}, {@code use}, {@code key_ops}): a token verified with the old key under the same
     * kid must not stay trusted (e.g. a key re-published as {@code "alg":"PS256"}).
     */
    static Set<String> removedOrChanged(List<JsonWebKey> before, List<JsonWebKey> after) {
        Map<String, Set<String>> old = byKid(before);
        Map<String, Set<String>> now = byKid(after);
        Set<String> changed = new java.util.HashSet<>();
        for (Map.Entry<String, Set<String>> e : old.entrySet()) {
            if (!e.getValue().equals(now.get(e.getKey()))) {
                changed.add(e.getKey());
            }
        }
        return changed;
    }

    private static Map<String, Set<String>> byKid(List<JsonWebKey> keys) {
        Map<String, Set<String>> kids = new java.util.HashMap<>();
        for (JsonWebKey k : keys) {
            if (k.getKeyId() != null) {
                kids.computeIfAbsent(k.getKeyId(), kid -> new java.util.HashSet<>())
                        .add(k.toJson(JsonWebKey.OutputControlLevel.PUBLIC_ONLY));
            }
        }
        return kids;
    }

    private Duration ttl(String cacheControl) {
        if (cacheControl == null) {
            return defaultTtl;
        }
        String cc = cacheControl.toLowerCase(Locale.ROOT);
        if (cc.contains("no-store") || cc.contains("no-cache")) {
            return MIN_TTL;
        }
        Matcher m = MAX_AGE.matcher(cc);
        if (m.find()) {
            try {
                Duration d = Duration.ofSeconds(Long.parseLong(m.group(1)));
                return d.compareTo(MIN_TTL) < 0 ? MIN_TTL : d.compareTo(MAX_TTL) > 0 ? MAX_TTL : d;
            } catch (NumberFormatException e) {
                return defaultTtl;
            }
        }
        return defaultTtl;
    }
}
