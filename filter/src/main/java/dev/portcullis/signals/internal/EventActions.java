package dev.portcullis.signals.internal;

import dev.portcullis.config.ConfigurationException;
import dev.portcullis.config.SettingNames;

import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * What each security event type does to the principal it names. The defaults (README, "Revocation
 * from your identity provider"): CAEP {@code session-revoked} and {@code credential-change}, RISC
 * {@code account-disabled}, {@code account-purged} and {@code account-credential-change-required}
 * revoke; RISC {@code account-enabled} evicts (the store is read again); every other type is
 * acknowledged and ignored. {@value SettingNames#SIGNALS_ACTIONS} overrides one type at a time
 * ({@code <event-type-uri>=revoke|evict|ignore}).
 *
 * <p>Thread safety: immutable.
 */
final class EventActions {
    /** What an event does. */
    enum Action {
        /** Refuse the principal's tokens issued until now, and drop its cached attributes on every node. */
        REVOKE,
        /** Drop its cached attributes so the store is read again. */
        EVICT,
        /** Acknowledge only. */
        IGNORE
    }

    static final String CAEP = "https://schemas.openid.net/secevent/caep/event-type/";
    static final String RISC = "https://schemas.openid.net/secevent/risc/event-type/";
    static final String SSF = "https://schemas.openid.net/secevent/ssf/event-type/";
    static final String VERIFICATION = SSF + "verification";
    static final String STREAM_UPDATED = SSF + "stream-updated";
    /** The event of an OIDC Back-Channel Logout token. */
    static final String BACKCHANNEL_LOGOUT = "http://schemas.openid.net/event/backchannel-logout";

    static final Map<String, Action> DEFAULTS = Map.of(
            CAEP + "session-revoked", Action.REVOKE,
            CAEP + "credential-change", Action.REVOKE,
            RISC + "account-disabled", Action.REVOKE,
            RISC + "account-purged", Action.REVOKE,
            RISC + "account-credential-change-required", Action.REVOKE,
            RISC + "account-enabled", Action.EVICT);

    private final Map<String, Action> actions;

    private EventActions(Map<String, Action> actions) {
        this.actions = Map.copyOf(actions);
    }

    static EventActions defaults() {
        return new EventActions(DEFAULTS);
    }

    static EventActions parse(List<String> overrides) {
        Map<String, Action> m = new HashMap<>(DEFAULTS);
        for (String entry : overrides) {
            int eq = entry.lastIndexOf('=');
            if (eq <= 0) {
                throw new ConfigurationException(SettingNames.SIGNALS_ACTIONS, "expected <event-type-uri>=revoke|evict|ignore,"
                        + " was '" + entry + "'");
            }
            String type = entry.substring(0, eq);
            Action action;
            try {
                action = Action.valueOf(entry.substring(eq + 1).toUpperCase(Locale.ROOT));
            } catch (IllegalArgumentException e) {
                throw new ConfigurationException(SettingNames.SIGNALS_ACTIONS, "unknown action in '" + entry
                        + "' (revoke, evict, ignore)");
            }
            if (type.equals(VERIFICATION) || type.equals(STREAM_UPDATED)) {
                throw new ConfigurationException(SettingNames.SIGNALS_ACTIONS, type + " is a stream event, not a"
                        + " subject's");
            }
            m.put(type, action);
        }
        return new EventActions(m);
    }

    /** What {@code eventType} does; {@link Action#IGNORE} for a type not listed. */
    Action of(String eventType) {
        return actions.getOrDefault(eventType, Action.IGNORE);
    }
}
