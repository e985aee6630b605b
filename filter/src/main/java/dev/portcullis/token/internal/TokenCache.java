package dev.portcullis.token.internal;

import dev.portcullis.config.ConfigurationException;
import dev.portcullis.config.SettingNames;
import dev.portcullis.config.Settings;
import dev.portcullis.internal.ThreadCounters;
import dev.portcullis.token.VerifiedToken;
import java.time.Clock;
import java.time.Duration;
import java.util.Iterator;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

/**
 * Remembers tokens that passed full validation (signature, claims and claim hygiene), so that the
 * next request with the same token costs one hash lookup and one expiry check instead of base64,
 * JSON and a signature verification (step 3 of the request flow in docs/architecture.md).
 *
 * <p><b>Key.</b> Entries are keyed by the <em>whole</em> compact token string and found only by
 * full string equality. The bucket hash is computed from the token's length and its last 32
 * characters (part of the signature) to keep a hit cheap, but a token that differs from a cached
 * one anywhere (a tampered payload reusing a known header and signature, say) never matches and
 * goes through full validation. Only tokens that verified are ever stored, so an attacker cannot
 * fill one bucket with colliding keys. The engine looks a request's token up in place in its
 * {@code Authorization} header first ({@link #hit}: no copy of the token, the same hash and the
 * same full comparison), before the syntax scan: a token equal to a cached one passed that scan
 * when it was cached.
 *
 * <p><b>Expiry.</b> An entry expires at the earlier of the token's {@code exp} and the time it was
 * cached plus the {@linkplain SettingNames#TOKEN_CACHE_TTL ttl}, judged by the injected {@link Clock}. The validator
 * accepts a token until {@code exp + clock skew}; the cache deliberately stops at {@code exp}, so a
 * cached answer is never more lenient than a fresh one, and a token inside its skew window simply
 * costs a full validation again. Because {@code nbf}, {@code iat} and the lifetime check only become
 * more lenient as time passes, a token that verified once stays valid until its expiry.
 *
 * <p><b>Bounds.</b> At most {@linkplain SettingNames#TOKEN_CACHE_MAX_ENTRIES max-entries} tokens (default 10,000) are kept
 * (plus, for a moment, one per thread inserting concurrently); when an insert finds the cache full, expired entries are dropped first and then about 1/16 of
 * the entries, chosen by hash order (an approximately random, not LRU, choice). Tokens longer
 * than {@code maxTokenChars} (the extractor's maximum token size, default 4096) are never cached.
 * Memory is therefore bounded by {@code maxEntries} times the cost of one entry: the token string
 * (one byte per character, at most {@code maxTokenChars}), its decoded claims and about 200 bytes of
 * bookkeeping. Measured with typical 750-character RS256 access tokens, an entry takes about
 * 2.8 KB, so the default 10,000 entries take about 27 MB (BENCHMARKS.md, memory); tokens at the
 * 4 KiB limit with many small claims cost a few times more.
 *
 * <p><b>Key rotation.</b> {@link #keysRemoved(String, Set)} (wired to
 * {@link TokenValidator.Builder#onKeysRemoved}) drops every entry of that issuer verified with one
 * of the removed key ids, and every entry of that issuer whose token named no key id.
 *
 * <p>Settings (with defaults): {@value SettingNames#TOKEN_CACHE_ENABLED} ({@code true}), {@value SettingNames#TOKEN_CACHE_MAX_ENTRIES}
 * ({@code 10000}), {@value SettingNames#TOKEN_CACHE_TTL} ({@code 5m}).
 *
 * <pre>{@code
 * TokenCache cache = TokenCache.builder().clock(clock).maxEntries(10_000).ttl(Duration.ofMinutes(5)).build();
 * VerifiedToken who = cache.get(token);
 * if (who == null) {
 *     long generation = cache.generation();
 *     who = validate(token);
 *     cache.put(token, who, generation);
 * }
 * }</pre>
 *
 * <p>Thread safety: thread-safe and lock-free on hits.
 */
public final class TokenCache {

    /** Default {@value SettingNames#TOKEN_CACHE_MAX_ENTRIES}. */
    public static final int DEFAULT_MAX_ENTRIES = 10_000;
    /** Default {@value SettingNames#TOKEN_CACHE_TTL}. */
    public static final Duration DEFAULT_TTL = Duration.ofMinutes(5);

    private static final int HASHED_SUFFIX = 32;

    private final ConcurrentHashMap<Key, Entry> map;
    private final Clock clock;
    private final int maxEntries;
    private final long ttlMillis;
    private final int maxTokenChars;
    private final AtomicLong generation = new AtomicLong();
    /** Every cached request counts a hit: per thread, so that request threads write no shared line. */
    private final ThreadCounters hits = new ThreadCounters(1);
    private final LongAdder misses = new LongAdder();
    private final LongAdder evictions = new LongAdder();

    private TokenCache(Builder b) {
        this.clock = b.clock;
        this.maxEntries = b.maxEntries;
        this.ttlMillis = b.ttl.toMillis();
        this.maxTokenChars = b.maxTokenChars;
        this.map = new ConcurrentHashMap<>(Math.min(maxEntries, 1 << 16) * 4 / 3 + 1);
    }

    public static Builder builder() {
        return new Builder();
    }

    /**
     * The cache configured by {@code settings}, or empty when {@value SettingNames#TOKEN_CACHE_ENABLED} is {@code false}.
     *
     * @param maxTokenChars longest token to cache (the extractor's maximum token size)
     * @throws ConfigurationException naming the first bad setting
     */
    public static Optional<TokenCache> fromSettings(Settings settings, Clock clock, int maxTokenChars) {
        Objects.requireNonNull(settings, "settings");
        if (!settings.getBoolean(SettingNames.TOKEN_CACHE_ENABLED, true)) {
            return Optional.empty();
        }
        Builder b = builder().clock(clock).maxTokenChars(maxTokenChars);
        TokenSettings.apply(SettingNames.TOKEN_CACHE_MAX_ENTRIES, () -> b.maxEntries(settings.getInt(SettingNames.TOKEN_CACHE_MAX_ENTRIES, DEFAULT_MAX_ENTRIES)));
        TokenSettings.apply(SettingNames.TOKEN_CACHE_TTL, () -> b.ttl(settings.getDuration(SettingNames.TOKEN_CACHE_TTL, DEFAULT_TTL)));
        return Optional.of(b.build());
    }

    /**
     * The verified identity cached for exactly this token string, or null when it is not cached or
     * its entry has expired.
     */
    public VerifiedToken get(String token) {
        Entry e = map.get(new Key(token, 0));
        if (e != null) {
            if (clock.millis() < e.expiresAtMillis) {
                hits.add(0, 1);
                return e.token;
            }
            map.remove(e.key, e);
        }
        misses.increment();
        return null;
    }

    /**
     * The verified identity cached for the token made of {@code source}'s characters from
     * {@code start} to its end (the {@code Authorization} header after {@code Bearer }), found
     * without copying the token out of the header: the bucket by the same hash as {@link #get},
     * then every character compared with the cached token's. Answers only a usable entry (counted
     * as a hit); for anything else null, not counted: {@link #get} answers and counts it once the
     * token has been checked and materialised.
     */
    public VerifiedToken hit(String source, int start) {
        Entry e = map.get(new Key(source, start));
        if (e != null && clock.millis() < e.expiresAtMillis) {
            hits.add(0, 1);
            return e.token;
        }
        return null;
    }

    /**
     * The current invalidation generation: read it before validating a token and pass it to
     * {@link #put}, so that a token verified with a key removed meanwhile is not cached.
     */
    public long generation() {
        return generation.get();
    }

    /**
     * Caches a token that passed full validation (after claim hygiene). Tokens longer than the
     * limit, already expired, or validated before a key removal (an older {@code generation}) are
     * not cached.
     */
    public void put(String token, VerifiedToken verified, long generationBefore) {
        Objects.requireNonNull(verified, "verified");
        if (token.length() > maxTokenChars) {
            return;
        }
        long now = clock.millis();
        long exp = verified.expiresAt().getEpochSecond();
        long expMillis = exp >= Long.MAX_VALUE / 1000 ? Long.MAX_VALUE : exp <= Long.MIN_VALUE / 1000
                ? Long.MIN_VALUE : exp * 1000;
        long until = Math.min(expMillis, now > Long.MAX_VALUE - ttlMillis ? Long.MAX_VALUE : now + ttlMillis);
        if (until <= now) {
            return;
        }
        if (map.size() >= maxEntries) {
            makeRoom(now);
        }
        Key key = new Key(token, 0);
        Entry entry = new Entry(key, verified, until);
        map.put(key, entry);
        if (generation.get() != generationBefore) {
            // a key was removed while this token was being verified: its key may be the one
            map.remove(key, entry);
        }
    }

    private void makeRoom(long now) {
        for (Iterator<Entry> it = map.values().iterator(); it.hasNext(); ) {
            if (it.next().expiresAtMillis <= now) {
                it.remove();
                evictions.increment();
            }
        }
        int excess = map.size() - maxEntries + 1;
        if (excess <= 0) {
            return;
        }
        int drop = Math.max(excess, maxEntries / 16);
        for (Iterator<Key> it = map.keySet().iterator(); it.hasNext() && drop > 0; drop--) {
            it.next();
            it.remove();
            evictions.increment();
        }
    }

    /**
     * Drops the tokens of {@code issuer} verified with one of {@code keyIds}, and those of
     * {@code issuer} that named no key id (their key cannot be told apart).
     */
    public void keysRemoved(String issuer, Set<String> keyIds) {
        generation.incrementAndGet();
        map.values().removeIf(e -> e.token.issuer().equals(issuer)
                && (e.token.keyId() == null || keyIds.contains(e.token.keyId())));
    }

    /** Drops every cached token. */
    public void clear() {
        generation.incrementAndGet();
        map.clear();
    }

    /** Number of tokens cached now (including expired ones not yet dropped). */
    public int size() {
        return map.size();
    }

    /** Lookups answered from the cache. */
    public long hits() {
        return hits.sum(0);
    }

    /** Lookups that found nothing usable. */
    public long misses() {
        return misses.sum();
    }

    /** Entries dropped to make room. */
    public long evictions() {
        return evictions.sum();
    }

    public int maxEntries() {
        return maxEntries;
    }

    public Duration ttl() {
        return Duration.ofMillis(ttlMillis);
    }

    @Override
    public String toString() {
        return "TokenCache[size=" + map.size() + ", maxEntries=" + maxEntries + ", ttl=" + ttl() + ", hits="
                + hits.sum(0) + ", misses=" + misses.sum() + "]";
    }

    /**
     * A token's characters: those of {@code chars} from {@code start} to its end. Stored keys are
     * whole token strings ({@code start} 0); a key with a later start is only ever a probe that
     * {@link #hit} looks up in place in a header and drops. Hashed over the length and the
     * signature tail; equal only when every character is.
     */
    private static final class Key {
        final String chars;
        final int start;
        final int hash;

        Key(String chars, int start) {
            this.chars = chars;
            this.start = start;
            int end = chars.length();
            int h = end - start;
            for (int i = Math.max(start, end - HASHED_SUFFIX); i < end; i++) {
                h = 31 * h + chars.charAt(i);
            }
            this.hash = h;
        }

        int length() {
            return chars.length() - start;
        }

        @Override
        public int hashCode() {
            return hash;
        }

        @Override
        public boolean equals(Object o) {
            if (!(o instanceof Key)) {
                return false;
            }
            Key k = (Key) o;
            if (k.hash != hash || k.length() != length()) {
                return false;
            }
            if (start == 0 && k.start == 0) {
                return chars.equals(k.chars); // two whole tokens: the fastest comparison there is
            }
            return start == 0 ? k.sameChars(chars) : sameChars(k.chars);
        }

        /**
         * Whether this key's characters are those of {@code whole} (a stored token; lengths
         * already equal). {@code indexOf} from this key's start can only find {@code whole} at
         * that start (it would not fit anywhere later), so it answers exactly "every character
         * equal", for any mix of Latin-1 and UTF-16 strings. On JDK 17 it is the vectorised
         * comparison; {@code regionMatches} and {@code startsWith} compare a byte at a time, at
         * about three times the cost for a 745-character token.
         */
        private boolean sameChars(String whole) {
            return chars.indexOf(whole, start) == start;
        }
    }

    private static final class Entry {
        final Key key;
        final VerifiedToken token;
        final long expiresAtMillis;

        Entry(Key key, VerifiedToken token, long expiresAtMillis) {
            this.key = key;
            this.token = token;
            this.expiresAtMillis = expiresAtMillis;
        }
    }

    /**
     * Builds a {@link TokenCache}; each setter checks its argument at once.
     *
     * <p>Not thread-safe.
     */
    public static final class Builder {
        private Clock clock = Clock.systemUTC();
        private int maxEntries = DEFAULT_MAX_ENTRIES;
        private Duration ttl = DEFAULT_TTL;
        private int maxTokenChars = BearerTokenExtractor.DEFAULT_MAX_TOKEN_BYTES;

        private Builder() {
        }

        public Builder clock(Clock clock) {
            this.clock = Objects.requireNonNull(clock, "clock");
            return this;
        }

        /** {@value SettingNames#TOKEN_CACHE_MAX_ENTRIES}: 1 to 10,000,000 (default 10,000). */
        public Builder maxEntries(int maxEntries) {
            if (maxEntries < 1 || maxEntries > 10_000_000) {
                throw new ConfigurationException(SettingNames.TOKEN_CACHE_MAX_ENTRIES, "must be between 1 and 10000000, was " + maxEntries);
            }
            this.maxEntries = maxEntries;
            return this;
        }

        /** {@value SettingNames#TOKEN_CACHE_TTL}: 1 s to 24 h (default 5 minutes). */
        public Builder ttl(Duration ttl) {
            Objects.requireNonNull(ttl, SettingNames.TOKEN_CACHE_TTL);
            if (ttl.compareTo(Duration.ofSeconds(1)) < 0 || ttl.compareTo(Duration.ofHours(24)) > 0) {
                throw new ConfigurationException(SettingNames.TOKEN_CACHE_TTL, "must be between 1s and 24h, was " + ttl);
            }
            this.ttl = ttl;
            return this;
        }

        /** Longest token cached, in characters (default 4096, the extractor's default maximum). */
        public Builder maxTokenChars(int maxTokenChars) {
            if (maxTokenChars < 1) {
                throw new IllegalArgumentException("max token size must be positive, was " + maxTokenChars);
            }
            this.maxTokenChars = maxTokenChars;
            return this;
        }

        public TokenCache build() {
            return new TokenCache(this);
        }
    }
}
