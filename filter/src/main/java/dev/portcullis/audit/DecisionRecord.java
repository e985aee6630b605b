package dev.portcullis.audit;

import java.time.Instant;
import java.util.List;

/**
 * One authorization decision, as written to the decision log. It holds identifiers only: no
 * token, no claim values, no personal data.
 *
 * <p>Thread safety: immutable.
 */
public final class DecisionRecord {
    final Instant time;
    final String decisionId;
    final String method;
    final String path;
    final String issuer;
    final String subject;
    final String tokenId;
    final String resourceKind;
    final String resourceId;
    final String action;
    final String effect;
    final String reason;
    final String policy;
    final String rule;
    final List<String> derivedRoles;
    final String attributeVersion;
    final long attributeAgeMillis;
    final long latencyMicros;

    private DecisionRecord(Builder b) {
        this.time = b.time;
        this.decisionId = b.decisionId;
        this.method = b.method;
        this.path = b.path;
        this.issuer = b.issuer;
        this.subject = b.subject;
        this.tokenId = b.tokenId;
        this.resourceKind = b.resourceKind;
        this.resourceId = b.resourceId;
        this.action = b.action;
        this.effect = b.effect;
        this.reason = b.reason;
        this.policy = b.policy;
        this.rule = b.rule;
        this.derivedRoles = b.derivedRoles == null ? List.of() : List.copyOf(b.derivedRoles);
        this.attributeVersion = b.attributeVersion;
        this.attributeAgeMillis = b.attributeAgeMillis;
        this.latencyMicros = b.latencyMicros;
    }

    public static Builder builder(Instant time, String decisionId) {
        return new Builder(time, decisionId);
    }

    public String decisionId() {
        return decisionId;
    }

    public String effect() {
        return effect;
    }

    /** The record as one line of JSON. */
    public String toJson() {
        StringBuilder sb = new StringBuilder(256).append('{');
        field(sb, "time", time.toString(), true);
        field(sb, "decision_id", decisionId, false);
        field(sb, "method", method, false);
        field(sb, "path", path, false);
        field(sb, "issuer", issuer, false);
        field(sb, "subject", subject, false);
        field(sb, "token_id", tokenId, false);
        field(sb, "resource_kind", resourceKind, false);
        field(sb, "resource_id", resourceId, false);
        field(sb, "action", action, false);
        field(sb, "effect", effect, false);
        field(sb, "reason", reason, false);
        field(sb, "policy", policy, false);
        field(sb, "rule", rule, false);
        sb.append(",\"derived_roles\":[");
        for (int i = 0; i < derivedRoles.size(); i++) {
            if (i > 0) {
                sb.append(',');
            }
            string(sb, derivedRoles.get(i));
        }
        sb.append(']');
        field(sb, "attribute_version", attributeVersion, false);
        sb.append(",\"attribute_age_ms\":").append(attributeAgeMillis);
        sb.append(",\"latency_us\":").append(latencyMicros);
        return sb.append('}').toString();
    }

    private static void field(StringBuilder sb, String name, String value, boolean first) {
        if (value == null) {
            return;
        }
        if (!first) {
            sb.append(',');
        }
        sb.append('"').append(name).append("\":");
        string(sb, value);
    }

    private static void string(StringBuilder sb, String value) {
        sb.append('"');
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            switch (c) {
                case '"':
                    sb.append("\\\"");
                    break;
                case '\\':
                    sb.append("\\\\");
                    break;
                default:
                    if (c < 0x20 || c == 0x2028 || c == 0x2029) {
                        sb.append(String.format(java.util.Locale.ROOT, "\\u%04x", (int) c));
                    } else {
                        sb.append(c);
                    }
            }
        }
        sb.append('"');
    }

    @Override
    public String toString() {
        return toJson();
    }

    /** Builds a {@link DecisionRecord}. Not thread-safe. */
    public static final class Builder {
        private final Instant time;
        private final String decisionId;
        private String method;
        private String path;
        private String issuer;
        private String subject;
        private String tokenId;
        private String resourceKind;
        private String resourceId;
        private String action;
        private String effect;
        private String reason;
        private String policy;
        private String rule;
        private List<String> derivedRoles;
        private String attributeVersion;
        private long attributeAgeMillis;
        private long latencyMicros;

        private Builder(Instant time, String decisionId) {
            this.time = time;
            this.decisionId = decisionId;
        }

        public Builder request(String method, String path) {
            this.method = method;
            this.path = path;
            return this;
        }

        public Builder principal(String issuer, String subject, String tokenId) {
            this.issuer = issuer;
            this.subject = subject;
            this.tokenId = tokenId;
            return this;
        }

        public Builder resource(String kind, String id, String action) {
            this.resourceKind = kind;
            this.resourceId = id;
            this.action = action;
            return this;
        }

        /** The effect ({@code ALLOW}/{@code DENY}) and, for a denial, the reason code. */
        public Builder effect(String effect, String reason) {
            this.effect = effect;
            this.reason = reason;
            return this;
        }

        public Builder rule(String policy, String rule, List<String> derivedRoles) {
            this.policy = policy;
            this.rule = rule;
            this.derivedRoles = derivedRoles;
            return this;
        }

        public Builder attributes(String version, long ageMillis) {
            this.attributeVersion = version;
            this.attributeAgeMillis = ageMillis;
            return this;
        }

        public Builder latencyMicros(long micros) {
            this.latencyMicros = micros;
            return this;
        }

        public DecisionRecord build() {
            return new DecisionRecord(this);
        }
    }
}
