package dev.portcullis.attributes;

import java.io.Serializable;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * What the attribute store says about one principal at one moment: its status, its roles and its
 * attributes, as loaded by an {@link AttributeSource}.
 *
 * <p>Attribute values are restricted to what a policy can compare: {@link String},
 * {@link Long} (other integral numbers are widened), {@link Double} (other floating-point and
 * decimal numbers are converted), {@link Boolean}, and {@link List}s of those (lists may nest).
 * Anything else ({@code null}, dates, maps) is refused when the value is built, so a policy never
 * meets a type it does not expect.
 *
 * <p>The {@linkplain #version() version} is an opaque string the store may supply (a row version,
 * a revision number, an ETag); Portcullis only reports it, for audit lines.
 *
 * <pre>{@code
 * PrincipalAttributes alice = PrincipalAttributes.builder("https://idp.example", "alice")
 *         .status(PrincipalStatus.ACTIVE)
 *         .roles(Set.of("admin"))
 *         .attribute("department", "sales")
 *         .loadedAt(clock.instant())
 *         .build();
 * }</pre>
 *
 * <p>Thread safety: immutable; the collections it returns are unmodifiable.
 */
public final class PrincipalAttributes implements Serializable {
    private static final long serialVersionUID = 1L;

    private final PrincipalKey key;
    private final PrincipalStatus status;
    private final Set<String> roles;
    private final Map<String, Object> attributes;
    private final String version;
    private final Instant loadedAt;

    private PrincipalAttributes(Builder b) {
        this.key = b.key;
        this.status = b.status;
        this.roles = Collections.unmodifiableSet(new LinkedHashSet<>(b.roles));
        this.attributes = Collections.unmodifiableMap(new LinkedHashMap<>(b.attributes));
        this.version = b.version;
        this.loadedAt = b.loadedAt;
    }

    private PrincipalAttributes(PrincipalAttributes from, Instant loadedAt) {
        this.key = from.key;
        this.status = from.status;
        this.roles = from.roles;
        this.attributes = from.attributes;
        this.version = from.version;
        this.loadedAt = loadedAt;
    }

    /** A copy of these attributes stamped with another load time. */
    public PrincipalAttributes withLoadedAt(Instant loadedAt) {
        return new PrincipalAttributes(this, Objects.requireNonNull(loadedAt, "loadedAt"));
    }

    /** A builder for {@code subject} issued by {@code issuer}; status defaults to ACTIVE. */
    public static Builder builder(String issuer, String subject) {
        return new Builder(PrincipalKey.of(issuer, subject));
    }

    /** A builder for {@code key}; status defaults to ACTIVE. */
    public static Builder builder(PrincipalKey key) {
        return new Builder(Objects.requireNonNull(key, "key"));
    }

    /** The answer for a subject the store does not know: status UNKNOWN, no roles, no attributes. */
    public static PrincipalAttributes unknown(String issuer, String subject, Instant loadedAt) {
        return builder(issuer, subject).status(PrincipalStatus.UNKNOWN).loadedAt(loadedAt).build();
    }

    /** The issuer and subject together. */
    public PrincipalKey key() {
        return key;
    }

    /** The token issuer this principal belongs to. */
    public String issuer() {
        return key.issuer();
    }

    /** The subject identifier. */
    public String subject() {
        return key.subject();
    }

    public PrincipalStatus status() {
        return status;
    }

    /** True only when the status is {@link PrincipalStatus#ACTIVE}. */
    public boolean isActive() {
        return status == PrincipalStatus.ACTIVE;
    }

    /** The role names, in the order the store gave them; unmodifiable. */
    public Set<String> roles() {
        return roles;
    }

    /** The attributes by name; values as described in the class comment; unmodifiable. */
    public Map<String, Object> attributes() {
        return attributes;
    }

    /** The store's version of this principal, if it has one. */
    public Optional<String> version() {
        return Optional.ofNullable(version);
    }

    /** When the source read these attributes from the store. */
    public Instant loadedAt() {
        return loadedAt;
    }

    @Override
    public boolean equals(Object o) {
        if (this == o) {
            return true;
        }
        if (!(o instanceof PrincipalAttributes)) {
            return false;
        }
        PrincipalAttributes other = (PrincipalAttributes) o;
        return key.equals(other.key) && status == other.status && roles.equals(other.roles)
                && attributes.equals(other.attributes) && Objects.equals(version, other.version)
                && loadedAt.equals(other.loadedAt);
    }

    @Override
    public int hashCode() {
        return Objects.hash(key, status, roles, attributes, version, loadedAt);
    }

    /** Names roles and attribute names only; attribute values may be personal data. */
    @Override
    public String toString() {
        return "PrincipalAttributes[issuer=" + key.issuer() + ", subject=" + key.subject()
                + ", status=" + status + ", roles=" + roles + ", attributes=" + attributes.keySet()
                + (version == null ? "" : ", version=" + version) + ", loadedAt=" + loadedAt + "]";
    }

    /**
     * Builds {@link PrincipalAttributes}; every setter checks its argument at once.
     *
     * <p>Thread safety: not thread-safe; use one builder per thread.
     */
    public static final class Builder {
        private final PrincipalKey key;
        private PrincipalStatus status = PrincipalStatus.ACTIVE;
        private final Set<String> roles = new LinkedHashSet<>();
        private final Map<String, Object> attributes = new LinkedHashMap<>();
        private String version;
        private Instant loadedAt;

        private Builder(PrincipalKey key) {
            this.key = key;
        }

        public Builder status(PrincipalStatus status) {
            this.status = Objects.requireNonNull(status, "status");
            return this;
        }

        /** Adds one role; blank names are refused. */
        public Builder role(String role) {
            Objects.requireNonNull(role, "role");
            if (role.isBlank()) {
                throw new IllegalArgumentException("role must not be blank");
            }
            roles.add(role);
            return this;
        }

        /** Adds every role of {@code roles}. */
        public Builder roles(Collection<String> roles) {
            Objects.requireNonNull(roles, "roles");
            for (String r : roles) {
                role(r);
            }
            return this;
        }

        /**
         * Sets one attribute, normalising numbers (integral to {@link Long}, others to
         * {@link Double}) and copying lists.
         *
         * @throws IllegalArgumentException naming the attribute if the value has an unsupported type
         */
        public Builder attribute(String name, Object value) {
            Objects.requireNonNull(name, "attribute name");
            if (name.isEmpty()) {
                throw new IllegalArgumentException("attribute name must not be empty");
            }
            attributes.put(name, normalise(name, value));
            return this;
        }

        /** Sets every attribute of {@code attributes}, as {@link #attribute(String, Object)}. */
        public Builder attributes(Map<String, ?> attributes) {
            Objects.requireNonNull(attributes, "attributes");
            for (Map.Entry<String, ?> e : attributes.entrySet()) {
                attribute(e.getKey(), e.getValue());
            }
            return this;
        }

        /** The store's version of the principal; {@code null} for none. */
        public Builder version(String version) {
            this.version = version;
            return this;
        }

        public Builder loadedAt(Instant loadedAt) {
            this.loadedAt = Objects.requireNonNull(loadedAt, "loadedAt");
            return this;
        }

        /**
         * @throws IllegalStateException if {@code loadedAt} was not set, or an UNKNOWN principal
         *     was given roles or attributes
         */
        public PrincipalAttributes build() {
            if (loadedAt == null) {
                throw new IllegalStateException("loadedAt must be set");
            }
            if (status == PrincipalStatus.UNKNOWN && (!roles.isEmpty() || !attributes.isEmpty())) {
                throw new IllegalStateException("an UNKNOWN principal has no roles or attributes");
            }
            return new PrincipalAttributes(this);
        }

        private static Object normalise(String name, Object value) {
            if (value instanceof String || value instanceof Boolean || value instanceof Long
                    || value instanceof Double) {
                return value;
            }
            if (value instanceof Integer || value instanceof Short || value instanceof Byte) {
                return ((Number) value).longValue();
            }
            if (value instanceof BigInteger) {
                BigInteger big = (BigInteger) value;
                if (big.bitLength() >= Long.SIZE) {
                    throw new IllegalArgumentException("attribute '" + name
                            + "' is an integer outside the 64-bit range");
                }
                return big.longValue();
            }
            if (value instanceof Float || value instanceof BigDecimal) {
                return ((Number) value).doubleValue();
            }
            if (value instanceof Collection) {
                List<Object> copy = new ArrayList<>();
                for (Object element : (Collection<?>) value) {
                    copy.add(normalise(name, element));
                }
                return Collections.unmodifiableList(copy);
            }
            throw new IllegalArgumentException("attribute '" + name + "' has unsupported type "
                    + (value == null ? "null" : value.getClass().getName())
                    + "; use strings, numbers, booleans or lists of them");
        }
    }
}
