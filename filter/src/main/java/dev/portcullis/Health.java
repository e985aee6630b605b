package dev.portcullis;

import org.jose4j.json.JsonUtil;

import java.time.Instant;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * The engine's state for operators ({@link Portcullis#health()}): each issuer's signing keys, the
 * attribute store, the cluster link and the policy set in use, and an overall {@link Status}.
 *
 * <p>The overall status is {@link Status#DOWN} when some requests are refused 503 for want of a
 * part (an issuer's keys {@link KeyState#UNAVAILABLE}, the attribute store {@link Part#DOWN});
 * {@link Status#DEGRADED} when the engine still answers but from reserves (keys
 * {@link KeyState#STALE}, the cluster {@link Part#DOWN}, the last policy reload refused); else
 * {@link Status#UP}. The store counts as down from a failed or timed-out load until a load
 * answers: Portcullis does not probe the store itself.
 *
 * <p>{@link #toJson(boolean)} renders it for the health endpoint: the summary (status only) for
 * anyone, the details (issuer URLs, store, cluster, policy version and load time) for callers the
 * policy allows action {@code health} on resource kind {@code portcullis} (README, "Health").
 *
 * <pre>{@code
 * Health health = engine.health();
 * if (health.status() == Health.Status.DOWN) { ... }
 * }</pre>
 *
 * <p>Thread safety: immutable.
 */
public final class Health {
    /** The overall state. */
    public enum Status { UP, DEGRADED, DOWN }

    /** An issuer's signing keys. */
    public enum KeyState {
        /** Fetched and within their cache lifetime. */
        FRESH,
        /** Refreshing fails; the last keys are used up to the stale-if-error limit. */
        STALE,
        /** No usable keys: that issuer's tokens are answered 503. */
        UNAVAILABLE,
        /** Configured locally (file, PEM, secret). */
        LOCAL
    }

    /** A part the engine depends on (attribute store, cluster). */
    public enum Part {
        UP,
        DOWN,
        /** Not configured. */
        NONE
    }

    private final Status status;
    private final Map<String, KeyState> keys;
    private final Part attributeStore;
    private final Part cluster;
    private final String policyVersion;
    private final Instant policyLoadedAt;
    private final boolean policyReloadFailing;

    Health(Map<String, KeyState> keys, Part attributeStore, Part cluster, String policyVersion,
           Instant policyLoadedAt, boolean policyReloadFailing) {
        this.keys = Collections.unmodifiableMap(new LinkedHashMap<>(keys));
        this.attributeStore = Objects.requireNonNull(attributeStore, "attributeStore");
        this.cluster = Objects.requireNonNull(cluster, "cluster");
        this.policyVersion = policyVersion;
        this.policyLoadedAt = policyLoadedAt;
        this.policyReloadFailing = policyReloadFailing;
        if (keys.containsValue(KeyState.UNAVAILABLE) || attributeStore == Part.DOWN) {
            this.status = Status.DOWN;
        } else if (keys.containsValue(KeyState.STALE) || cluster == Part.DOWN || policyReloadFailing) {
            this.status = Status.DEGRADED;
        } else {
            this.status = Status.UP;
        }
    }

    public Status status() {
        return status;
    }

    /** Each configured issuer ({@code iss}) with its keys' state, in configuration order. */
    public Map<String, KeyState> keys() {
        return keys;
    }

    public Part attributeStore() {
        return attributeStore;
    }

    /** The cluster link of the attribute cache ({@link Part#NONE} for a node-local cache). */
    public Part cluster() {
        return cluster;
    }

    /** The policy set's version (a digest of its files); empty without Portcullis' own policies. */
    public Optional<String> policyVersion() {
        return Optional.ofNullable(policyVersion);
    }

    /** When the policy set in use was loaded; empty without Portcullis' own policies. */
    public Optional<Instant> policyLoadedAt() {
        return Optional.ofNullable(policyLoadedAt);
    }

    /** Whether the last policy reload was refused (the previous set is still in use). */
    public boolean policyReloadFailing() {
        return policyReloadFailing;
    }

    /** The HTTP status the health endpoint answers with: 503 when {@link Status#DOWN}, else 200. */
    public int httpStatus() {
        return status == Status.DOWN ? 503 : 200;
    }

    /**
     * The JSON the health endpoint answers with: {@code {"status":"UP"}}, and with
     * {@code details} the parts too.
     */
    public String toJson(boolean details) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("status", status.name());
        if (details) {
            Map<String, Object> keyStates = new LinkedHashMap<>();
            keys.forEach((issuer, state) -> keyStates.put(issuer, state.name()));
            out.put("keys", keyStates);
            out.put("attribute_store", attributeStore.name());
            out.put("cluster", cluster.name());
            if (policyVersion != null) {
                Map<String, Object> policy = new LinkedHashMap<>();
                policy.put("version", policyVersion);
                policy.put("loaded_at", String.valueOf(policyLoadedAt));
                policy.put("reload_failing", policyReloadFailing);
                out.put("policy", policy);
            }
        }
        return JsonUtil.toJson(out) + "\n";
    }

    @Override
    public String toString() {
        return "Health" + toJson(true).trim();
    }
}
