package dev.portcullis.token.internal;

import java.time.Instant;
import java.util.Optional;

/**
 * One issuer's keys as the engine sees them now, for health and metrics: where they come from,
 * whether they can verify tokens, when they were last fetched, and how many fetches were made and
 * failed.
 *
 * <p>Thread safety: immutable.
 */
public final class IssuerKeyStatus {
    /** Whether the issuer's keys can verify tokens now. */
    public enum State {
        /** Fetched and within their cache lifetime. */
        FRESH,
        /** Past their cache lifetime because refreshing failed; still used up to the stale-if-error limit. */
        STALE,
        /** None could be fetched, or the last ones are past the stale-if-error limit: its tokens get 503. */
        UNAVAILABLE,
        /** Configured locally (file, PEM, HMAC secret): nothing to fetch. */
        LOCAL
    }

    private final String issuer;
    private final State state;
    private final Instant fetchedAt;
    private final long fetches;
    private final long failures;

    IssuerKeyStatus(String issuer, State state, Instant fetchedAt, long fetches, long failures) {
        this.issuer = issuer;
        this.state = state;
        this.fetchedAt = fetchedAt;
        this.fetches = fetches;
        this.failures = failures;
    }

    static IssuerKeyStatus local(String issuer) {
        return new IssuerKeyStatus(issuer, State.LOCAL, null, 0, 0);
    }

    public String issuer() {
        return issuer;
    }

    public State state() {
        return state;
    }

    /** When the keys in use were fetched; empty for local keys and before the first good fetch. */
    public Optional<Instant> fetchedAt() {
        return Optional.ofNullable(fetchedAt);
    }

    /** HTTP fetches of the key set (discovery documents not counted). */
    public long fetches() {
        return fetches;
    }

    /** Fetch attempts that failed (discovery or key set; the old keys stayed in use). */
    public long failures() {
        return failures;
    }

    @Override
    public String toString() {
        return "IssuerKeyStatus[" + issuer + " " + state + ", fetched at " + fetchedAt + ", " + fetches
                + " fetches, " + failures + " failures]";
    }
}
