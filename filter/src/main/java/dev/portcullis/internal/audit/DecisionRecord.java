package dev.portcullis.internal.audit;

import org.jose4j.json.JsonUtil;

import java.time.Instant;
import java.time.LocalDate;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One authorization decision, as written to the decision log. It holds identifiers only: no
 * token, no claim values, no personal data.
 *
 * <p>Thread safety: immutable.
 */
public final class DecisionRecord {
    /** 0000-01-01T00:00:00Z and 9999-12-31T23:59:59Z: the years {@link #instant} writes itself. */
    private static final long MIN_FAST_SECOND = -62_167_219_200L;
    private static final long MAX_FAST_SECOND = 253_402_300_799L;
    private static final int[] POWERS_OF_TEN = {1, 10, 100, 1_000, 10_000, 100_000, 1_000_000, 10_000_000, 100_000_000};
    private static final char[] HEX = "0123456789ABCDEF".toCharArray();

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

    /**
     * The record as one line of JSON (absent values are left out), written straight into one
     * buffer: the same text {@link #toJsonByMap()} gives (jose4j's writer and escaping), without a
     * map, boxed numbers and the writer's intermediate strings per record.
     */
    public String toJson() {
        StringBuilder b = new StringBuilder(512);
        appendJson(b);
        return b.toString();
    }

    /**
     * Appends {@link #toJson()}'s line to {@code b}: the decision log's writer reuses one buffer
     * for every record.
     */
    void appendJson(StringBuilder b) {
        b.append("{\"time\":\"");
        instant(b, time);
        b.append('"');
        field(b, ",\"decision_id\":", decisionId);
        field(b, ",\"method\":", method);
        field(b, ",\"path\":", path);
        field(b, ",\"issuer\":", issuer);
        field(b, ",\"subject\":", subject);
        field(b, ",\"token_id\":", tokenId);
        field(b, ",\"resource_kind\":", resourceKind);
        field(b, ",\"resource_id\":", resourceId);
        field(b, ",\"action\":", action);
        field(b, ",\"effect\":", effect);
        field(b, ",\"reason\":", reason);
        field(b, ",\"policy\":", policy);
        field(b, ",\"rule\":", rule);
        b.append(",\"derived_roles\":");
        if (derivedRoles == null) {
            b.append("null");
        } else {
            b.append('[');
            boolean first = true;
            for (String role : derivedRoles) {
                if (!first) {
                    b.append(',');
                }
                first = false;
                if (role == null) {
                    b.append("null");
                } else {
                    string(b, role);
                }
            }
            b.append(']');
        }
        field(b, ",\"attribute_version\":", attributeVersion);
        b.append(",\"attribute_age_ms\":").append(attributeAgeMillis);
        b.append(",\"latency_us\":").append(latencyMicros);
        b.append('}');
    }

    /**
     * Appends the instant as {@link Instant#toString()} writes it (ISO-8601 in UTC, seconds always,
     * the fraction in groups of three digits and only as long as needed) without the formatter that
     * {@code toString} goes through; years outside 0000–9999 (never a clock's) are left to it.
     */
    static void instant(StringBuilder b, Instant time) {
        long seconds = time.getEpochSecond();
        if (seconds < MIN_FAST_SECOND || seconds > MAX_FAST_SECOND) {
            b.append(time);
            return;
        }
        long days = Math.floorDiv(seconds, 86_400);
        int secondOfDay = Math.floorMod(seconds, 86_400);
        LocalDate date = LocalDate.ofEpochDay(days);
        digits(b, date.getYear(), 4).append('-');
        digits(b, date.getMonthValue(), 2).append('-');
        digits(b, date.getDayOfMonth(), 2).append('T');
        digits(b, secondOfDay / 3600, 2).append(':');
        digits(b, secondOfDay / 60 % 60, 2).append(':');
        digits(b, secondOfDay % 60, 2);
        int nanos = time.getNano();
        if (nanos != 0) {
            b.append('.');
            if (nanos % 1_000_000 == 0) {
                digits(b, nanos / 1_000_000, 3);
            } else if (nanos % 1_000 == 0) {
                digits(b, nanos / 1_000, 6);
            } else {
                digits(b, nanos, 9);
            }
        }
        b.append('Z');
    }

    private static StringBuilder digits(StringBuilder b, int value, int width) {
        for (int divisor = POWERS_OF_TEN[width - 1]; divisor > 0; divisor /= 10) {
            b.append((char) ('0' + value / divisor % 10));
        }
        return b;
    }

    /** Appends {@code prefix} (the comma and the quoted name) and the value, unless it is null. */
    private static void field(StringBuilder b, String prefix, String value) {
        if (value != null) {
            b.append(prefix);
            string(b, value);
        }
    }

    /**
     * {@code value} quoted and escaped exactly as jose4j's {@code JSONValue.escape} does it (the
     * map writer's escaping: {@code DecisionRecordJsonTest} compares the two on random strings),
     * written into {@code b} without that method's buffer and string per value.
     */
    private static void string(StringBuilder b, String value) {
        b.append('"');
        int n = value.length();
        int clean = 0;
        while (clean < n && !escaped(value.charAt(clean))) {
            clean++;
        }
        // identifiers and paths rarely need escaping: copy them whole, then go char by char from
        // the first character that does
        if (clean == n) {
            b.append(value);
        } else {
            b.append(value, 0, clean);
        }
        for (int i = clean; i < n; i++) {
            char c = value.charAt(i);
            switch (c) {
                case '"': b.append("\\\""); break;
                case '\\': b.append("\\\\"); break;
                case '\b': b.append("\\b"); break;
                case '\f': b.append("\\f"); break;
                case '\n': b.append("\\n"); break;
                case '\r': b.append("\\r"); break;
                case '\t': b.append("\\t"); break;
                default:
                    if (escaped(c)) {
                        b.append("\\u").append(HEX[c >> 12]).append(HEX[(c >> 8) & 0xf])
                                .append(HEX[(c >> 4) & 0xf]).append(HEX[c & 0xf]);
                    } else {
                        b.append(c);
                    }
            }
        }
        b.append('"');
    }

    /** Whether jose4j's {@code JSONValue.escape} writes {@code c} other than as itself. */
    private static boolean escaped(char c) {
        return c <= 0x1f || c == '"' || c == '\\' || (c >= 0x7f && c <= 0x9f) || (c >= 0x2000 && c <= 0x20ff);
    }

    /** The former writer (a map through jose4j's JsonUtil), kept as the reference for tests. */
    String toJsonByMap() {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("time", time.toString());
        put(json, "decision_id", decisionId);
        put(json, "method", method);
        put(json, "path", path);
        put(json, "issuer", issuer);
        put(json, "subject", subject);
        put(json, "token_id", tokenId);
        put(json, "resource_kind", resourceKind);
        put(json, "resource_id", resourceId);
        put(json, "action", action);
        put(json, "effect", effect);
        put(json, "reason", reason);
        put(json, "policy", policy);
        put(json, "rule", rule);
        json.put("derived_roles", derivedRoles);
        put(json, "attribute_version", attributeVersion);
        json.put("attribute_age_ms", attributeAgeMillis);
        json.put("latency_us", latencyMicros);
        return JsonUtil.toJson(json);
    }

    private static void put(Map<String, Object> json, String name, String value) {
        if (value != null) {
            json.put(name, value);
        }
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
