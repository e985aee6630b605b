package dev.portcullis.signals.internal;

import dev.portcullis.PortcullisException;
import dev.portcullis.Reason;
import dev.portcullis.attributes.PrincipalKey;
import dev.portcullis.config.ConfigurationException;
import dev.portcullis.config.SettingNames;
import dev.portcullis.config.Settings;
import dev.portcullis.internal.LogText;
import dev.portcullis.token.VerifiedToken;
import dev.portcullis.token.internal.IssuerConfig;
import dev.portcullis.token.internal.TokenValidator;

import org.jose4j.json.JsonUtil;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The engine's receiver of revocations pushed by identity providers: the Shared Signals push
 * endpoint (RFC 8935), the poll client (RFC 8936, {@link PollClient}) and the OpenID Connect
 * Back-Channel Logout 1.0 endpoint. Adapters only hand in the request; this verifies
 * ({@link EventTokenVerifier}), maps the subject ({@link SubjectIds}), acts ({@link EventActions})
 * and says what to answer ({@link Reply}).
 *
 * <p>A revoking event sets the principal's cutoff ({@link SignalStore}): every token of that
 * (issuer, subject) issued at or before the moment the event was received (or carrying no
 * {@code iat}) is refused from then on, on every node when clustered ({@link #checkNotRevoked}),
 * and the engine's own revocation drops its cached attributes everywhere. A token issued later
 * (the user logged in again, the account was enabled again) is not affected.
 *
 * <p>Bounded work: one SET per push (RFC 8935) or logout token per request, a body of at most
 * {@value SettingNames#SIGNALS_MAX_BODY_BYTES} bytes, at most
 * {@value SettingNames#SIGNALS_MAX_CONCURRENT} requests handled at once (more are answered 429
 * with {@code Retry-After}: no queue), at most {@value SettingNames#SIGNALS_POLL_MAX_EVENTS} SETs
 * per poll.
 *
 * <p>Thread safety: thread-safe; {@link #close()} stops the poll thread and the key fetch threads.
 */
public final class SignalReceiver implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(SignalReceiver.class);

    /** What the engine does for an event's principal. */
    public interface Target {
        /** Revokes the principal's cached attributes (cluster-wide when clustered). */
        void revoke(String issuer, String subject);

        /** Drops the principal's cached attributes. */
        void evict(String issuer, String subject);
    }

    /** The answer to send: status, JSON body (null for none), {@code Retry-After} seconds (0: none). */
    public record Reply(int status, String body, long retryAfter) {
    }

    private final SignalOptions options;
    private final Clock clock;
    private final SignalStore store;
    private final TokenValidator setKeys;
    private final TokenValidator logoutKeys;
    private final EventTokenVerifier sets;
    private final EventTokenVerifier logouts;
    private final SubjectIds subjects;
    private final Semaphore permits;
    private final AtomicLong accepted = new AtomicLong();
    private final AtomicLong refused = new AtomicLong();
    private final AtomicLong applied = new AtomicLong();
    private final AtomicLong ignored = new AtomicLong();
    private final AtomicLong busy = new AtomicLong();
    private final AtomicLong sidOnly = new AtomicLong();
    private volatile Target target;
    private volatile PollClient poller;
    private volatile String lastVerificationState;

    private SignalReceiver(SignalOptions o, Settings s, Clock clock, List<IssuerConfig> tokenIssuers) {
        this.options = o;
        this.clock = clock;
        this.permits = new Semaphore(o.maxConcurrent);
        Duration lifetime = s.getDuration(SettingNames.MAX_TOKEN_LIFETIME, TokenValidator.DEFAULT_MAX_LIFETIME)
                .plus(TokenValidator.MAX_CLOCK_SKEW);
        URI cluster = s.get(SettingNames.ATTRIBUTES_CACHE_CLUSTER_URI).map(URI::create).orElse(null);
        Duration clusterTimeout = s.getDuration(SettingNames.ATTRIBUTES_CACHE_CLUSTER_TIMEOUT, Duration.ofSeconds(2));
        String resource = s.get(SettingNames.ATTRIBUTES_CACHE_CLUSTER_RESOURCE, "main");
        TokenValidator setValidator = null;
        TokenValidator logoutValidator = null;
        SignalStore st = null;
        try {
            st = new SignalStore(o.maxAge.plus(EventTokenVerifier.SKEW.multipliedBy(2)), lifetime, cluster, resource,
                    clusterTimeout);
            Set<String> tokenIssuerNames = new LinkedHashSet<>();
            tokenIssuers.forEach(c -> tokenIssuerNames.add(c.issuer()));
            EventTokenVerifier setVerifier = null;
            SubjectIds ids = null;
            if (o.signalsOn()) {
                String issuer = o.transmitter;
                URI jwks = o.jwksUri;
                if (o.configurationUri != null) {
                    TransmitterDiscovery.Transmitter t = TransmitterDiscovery.fetch(o.configurationUri,
                            Duration.ofSeconds(5));
                    issuer = t.issuer();
                    jwks = t.jwksUri();
                }
                setValidator = TokenValidator.builder().clock(clock)
                        .issuer(IssuerConfig.builder(issuer).audiences(o.audience).algorithms(o.algorithms)
                                .jwksUri(jwks).requiredType("secevent+jwt").build())
                        .build();
                setVerifier = new EventTokenVerifier(setValidator, Set.of(issuer), o.audience, o.maxAge, clock, st,
                        false);
                Set<String> speaksFor = o.subjectIssuers.isEmpty() ? Set.of(issuer) : o.subjectIssuers;
                for (String i : speaksFor) {
                    if (!tokenIssuerNames.contains(i)) {
                        throw new ConfigurationException(SettingNames.SIGNALS_SUBJECT_ISSUERS, "'" + i + "' is not a"
                                + " configured token issuer (the transmitter's issuer is the default)");
                    }
                }
                ids = new SubjectIds(speaksFor);
            }
            EventTokenVerifier logoutVerifier = null;
            if (o.logoutPath != null) {
                TokenValidator.Builder b = TokenValidator.builder().clock(clock);
                tokenIssuers.forEach(c -> b.issuer(c.forOtherTokens(null, Set.of(o.logoutAudience))));
                logoutValidator = b.build();
                logoutVerifier = new EventTokenVerifier(logoutValidator, tokenIssuerNames, o.logoutAudience,
                        o.maxAge, clock, st, true);
            }
            this.sets = setVerifier;
            this.subjects = ids;
            this.logouts = logoutVerifier;
        } catch (RuntimeException | Error e) {
            closeAll(setValidator, logoutValidator, st);
            throw e;
        }
        this.store = st;
        this.setKeys = setValidator;
        this.logoutKeys = logoutValidator;
    }

    /** The receiver the settings configure, or null when neither SSF nor back-channel logout is on. */
    public static SignalReceiver fromSettings(Settings s, Clock clock, List<IssuerConfig> tokenIssuers) {
        SignalOptions o = SignalOptions.of(s);
        return o == null ? null : new SignalReceiver(o, s, clock, tokenIssuers);
    }

    /** Connects the receiver to its engine and starts polling, when a poll URL is configured. */
    public void attach(Target engine) {
        this.target = engine;
        if (options.pollUri != null && poller == null) {
            poller = PollClient.start(this, options.pollUri, options.pollToken, options.pollInterval,
                    options.pollMaxEvents, options.maxBodyBytes);
        }
    }

    /** The push endpoint's path, or null. */
    public String pushPath() {
        return options.pushPath;
    }

    /** The back-channel logout endpoint's path, or null. */
    public String logoutPath() {
        return options.logoutPath;
    }

    /** Largest body the endpoints read. */
    public int maxBodyBytes() {
        return options.maxBodyBytes;
    }

    /**
     * Refuses a token whose principal was revoked, by an event this node knows of, after the token
     * was issued (a local lookup, made on every authentication, cached tokens included).
     *
     * @throws PortcullisException {@code token_revoked} (401)
     */
    public void checkNotRevoked(VerifiedToken token) throws PortcullisException {
        refuseBefore(token, store.localCutoff(token.issuer(), token.subject()));
    }

    /**
     * As {@link #checkNotRevoked(VerifiedToken)}, also with the cutoffs other nodes set (clustered:
     * read from the cluster once per load of the principal's attributes, see {@link SignalStore}).
     *
     * @param attributesLoadedAt when the principal's attributes in use were loaded
     */
    public void checkNotRevoked(VerifiedToken token, Instant attributesLoadedAt) throws PortcullisException {
        refuseBefore(token, store.cutoff(token.issuer(), token.subject(), attributesLoadedAt));
    }

    private static void refuseBefore(VerifiedToken token, long cutoff) throws PortcullisException {
        if (cutoff == Long.MIN_VALUE) {
            return;
        }
        Instant iat = token.issuedAt();
        if (iat == null || iat.getEpochSecond() <= cutoff) {
            throw new PortcullisException(Reason.TOKEN_REVOKED, "token of " + LogText.safe(token.subject()) + " @ "
                    + LogText.safe(token.issuer()) + " issued " + iat + ", before its revocation by the identity"
                    + " provider at " + Instant.ofEpochSecond(cutoff));
        }
    }

    /**
     * A push (RFC 8935 §2): POST, the stream's bearer token, {@code application/secevent+jwt}, one
     * SET. 202 when accepted (also for events acknowledged and ignored); 400 with {@code err} and
     * {@code description}; 401 {@code authentication_failed}; 413; 429 and 503 with Retry-After.
     *
     * @param body the body, null when larger than {@link #maxBodyBytes()}
     */
    public Reply push(String method, String contentType, List<String> authorization, byte[] body) {
        if (!"POST".equals(method)) {
            return new Reply(405, null, 0);
        }
        if (!authenticated(authorization)) {
            refused.incrementAndGet();
            LOG.warn("Security event push refused: missing or wrong bearer token");
            return error(401, SignalException.AUTHENTICATION_FAILED, "The push is not authenticated", true);
        }
        if (!permits.tryAcquire()) {
            busy.incrementAndGet();
            return new Reply(429, null, 1);
        }
        try {
            if (body == null) {
                refused.incrementAndGet();
                return new Reply(413, null, 0);
            }
            if (!mediaType(contentType).equals("application/secevent+jwt")) {
                refused.incrementAndGet();
                return error(400, SignalException.INVALID_REQUEST, "The body must be application/secevent+jwt", true);
            }
            try {
                receive(new String(body, StandardCharsets.US_ASCII).trim());
                return new Reply(202, null, 0);
            } catch (SignalException e) {
                return refusal(e, true);
            } catch (PortcullisException e) {
                return unavailable(e);
            }
        } finally {
            permits.release();
        }
    }

    /**
     * A back-channel logout (OIDC BCL 1.0 §2.5, §2.8): POST, form-encoded {@code logout_token}.
     * 200 when the token is valid (whether or not a principal was revoked), 400
     * {@code invalid_request}, 413, 429, 503.
     */
    public Reply logout(String method, String contentType, byte[] body) {
        if (!"POST".equals(method)) {
            return new Reply(405, null, 0);
        }
        if (!permits.tryAcquire()) {
            busy.incrementAndGet();
            return new Reply(429, null, 1);
        }
        try {
            if (body == null) {
                refused.incrementAndGet();
                return new Reply(413, null, 0);
            }
            try {
                if (!mediaType(contentType).equals("application/x-www-form-urlencoded")) {
                    throw new SignalException(SignalException.INVALID_REQUEST, "content type "
                            + LogText.safe(contentType));
                }
                String token = FormBody.single(new String(body, StandardCharsets.US_ASCII), "logout_token");
                EventTokenVerifier.Verified v = logouts.verify(token);
                accepted.incrementAndGet();
                Object sub = v.claims().getClaimValue("sub");
                if (sub instanceof String) {
                    apply(EventActions.BACKCHANNEL_LOGOUT, EventActions.Action.REVOKE,
                            PrincipalKey.of(v.issuer(), (String) sub), "back-channel logout");
                } else {
                    // Portcullis keeps no sessions: a sid alone names nobody it knows (README)
                    sidOnly.incrementAndGet();
                    LOG.warn("Back-channel logout token {} of {} names only a session (sid): nothing revoked",
                            LogText.safe(v.jti()), LogText.safe(v.issuer()));
                }
                return new Reply(200, null, 0);
            } catch (SignalException e) {
                return refusal(e, false);
            } catch (PortcullisException e) {
                return unavailable(e);
            }
        } finally {
            permits.release();
        }
    }

    /** Verifies one SET and applies its events (push and poll). */
    void receive(String set) throws SignalException, PortcullisException {
        EventTokenVerifier.Verified v;
        try {
            if (sets == null) {
                throw new SignalException(SignalException.INVALID_REQUEST, "no transmitter configured");
            }
            v = sets.verify(set);
        } catch (SignalException e) {
            refused.incrementAndGet();
            throw e;
        }
        accepted.incrementAndGet();
        Map<?, ?> events = (Map<?, ?>) v.claims().getClaimValue("events"); // a non-empty object (verified)
        Object topLevel = v.claims().getClaimValue("sub_id");
        for (Map.Entry<?, ?> e : events.entrySet()) {
            String type = String.valueOf(e.getKey());
            if (type.equals(EventActions.VERIFICATION) || type.equals(EventActions.STREAM_UPDATED)) {
                Object state = e.getValue() instanceof Map ? ((Map<?, ?>) e.getValue()).get("state") : null;
                if (type.equals(EventActions.VERIFICATION)) {
                    lastVerificationState = state == null ? "" : String.valueOf(state);
                }
                LOG.info("Stream event {} from {} (jti {})", type.substring(type.lastIndexOf('/') + 1),
                        LogText.safe(v.issuer()), LogText.safe(v.jti()));
                continue;
            }
            EventActions.Action action = options.actions.of(type);
            if (action == EventActions.Action.IGNORE) {
                ignored.incrementAndGet();
                LOG.info("Security event {} acknowledged and ignored (jti {})", LogText.safe(type), LogText.safe(v.jti()));
                continue;
            }
            Object subId = topLevel != null ? topLevel
                    : e.getValue() instanceof Map ? ((Map<?, ?>) e.getValue()).get("subject") : null;
            PrincipalKey key = subjects.map(subId, type);
            if (key != null) {
                apply(type, action, key, "jti " + v.jti());
            }
        }
    }

    private void apply(String type, EventActions.Action action, PrincipalKey key, String why) {
        Target t = target;
        if (action == EventActions.Action.REVOKE) {
            store.cutOff(key.issuer(), key.subject(), clock.instant().getEpochSecond());
            if (t != null) {
                t.revoke(key.issuer(), key.subject());
            }
        } else if (t != null) {
            t.evict(key.issuer(), key.subject());
        }
        applied.incrementAndGet();
        LOG.info("Security event {} ({}): {} subject {} of issuer {}", LogText.safe(type), LogText.safe(why),
                action == EventActions.Action.REVOKE ? "revoked" : "evicted", LogText.safe(key.subject()),
                LogText.safe(key.issuer()));
    }

    /** Whether a push carries the stream's bearer token (compared in constant time). */
    public boolean pushAuthenticated(List<String> authorization) {
        return authenticated(authorization);
    }

    private boolean authenticated(List<String> authorization) {
        if (authorization == null || authorization.size() != 1) {
            return false;
        }
        String h = authorization.get(0);
        if (h.length() < 7 || !h.regionMatches(true, 0, "Bearer ", 0, 7)) {
            return false;
        }
        byte[] given = h.substring(7).trim().getBytes(StandardCharsets.UTF_8);
        return MessageDigest.isEqual(given, options.pushToken); // constant time for equal lengths
    }

    private static String mediaType(String contentType) {
        if (contentType == null) {
            return "";
        }
        int semi = contentType.indexOf(';');
        return (semi < 0 ? contentType : contentType.substring(0, semi)).trim().toLowerCase(java.util.Locale.ROOT);
    }

    private Reply refusal(SignalException e, boolean push) {
        refused.incrementAndGet();
        LOG.warn("{} refused: {} ({})", push ? "Security event" : "Logout token", e.code(), LogText.safe(e.getMessage()));
        if (SignalException.UNAVAILABLE.equals(e.code())) {
            return new Reply(503, null, 5);
        }
        return error(400, push ? e.code() : SignalException.INVALID_REQUEST, push ? "The SET is not accepted"
                : "The logout token is not accepted", push);
    }

    private Reply unavailable(PortcullisException e) {
        refused.incrementAndGet();
        LOG.warn("Event token not verified: {}", LogText.safe(e.getMessage()));
        return new Reply(503, null, Math.max(1, e.retryAfterSeconds()));
    }

    /** RFC 8935 §2.3 ({@code err}, {@code description}) or OIDC BCL §2.8 / RFC 6749 ({@code error}). */
    private static Reply error(int status, String code, String description, boolean push) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put(push ? "err" : "error", code);
        body.put(push ? "description" : "error_description", description);
        return new Reply(status, JsonUtil.toJson(body), 0);
    }

    /** Counts: accepted, refused, applied, ignored, busy, sid-only logouts, unmapped subjects. */
    public Map<String, Long> counters() {
        Map<String, Long> m = new LinkedHashMap<>();
        m.put("accepted", accepted.get());
        m.put("refused", refused.get());
        m.put("applied", applied.get());
        m.put("ignored", ignored.get());
        m.put("busy", busy.get());
        m.put("sidOnly", sidOnly.get());
        m.put("unmapped", subjects == null ? 0 : subjects.unmapped());
        m.put("clusterFailures", store.clusterFailures());
        return m;
    }

    /** The {@code state} of the last stream verification event received (null: none yet). */
    public String lastVerificationState() {
        return lastVerificationState;
    }

    @Override
    public void close() {
        closeAll(poller, setKeys, logoutKeys, store);
    }

    private static void closeAll(AutoCloseable... parts) {
        for (AutoCloseable part : parts) {
            if (part != null) {
                try {
                    part.close();
                } catch (Exception e) {
                    LOG.warn("closing {} failed: {}", part.getClass().getName(), e.toString());
                }
            }
        }
    }
}
