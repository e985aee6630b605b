package dev.portcullis.token.internal;

import dev.portcullis.config.SettingNames;
import dev.portcullis.config.ConfigurationException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * The one mapping from a principal's identity, the pair (issuer, subject), to the id policies see
 * as {@code P.id}: the issuer's {@linkplain IssuerConfig#principalPrefix() principal prefix}
 * followed by the subject. Subjects are unique only per issuer, so with several issuers a
 * subject {@code alice} of issuer B must never be taken for {@code alice} of issuer A in a
 * principal policy ({@code principal: alice}) or a condition such as {@code R.attr.owner == P.id}.
 *
 * <p>The mapping is injective, which {@link #of} checks once: at most one issuer has the empty
 * prefix, and no prefix is a prefix of another's (so an id starts with at most one non-empty
 * prefix). The only remaining way two principals could share an id is a subject of the
 * unprefixed issuer that itself starts with another issuer's prefix ({@code partner:alice}
 * issued by the primary issuer, beside issuer {@code partner:}); such a subject
 * {@linkplain #collision has no id} and is refused when its token is verified. A deployment with one
 * issuer has the empty prefix and keeps {@code P.id == sub}.
 *
 * <pre>{@code
 * PrincipalIds ids = PrincipalIds.of(List.of(primary, partnerWithPrefix("partner:")));
 * ids.id("https://idp.example.com", "alice");     // "alice"
 * ids.id("https://partner.example.com", "alice"); // "partner:alice"
 * }</pre>
 *
 * <p>Thread safety: immutable.
 */
public final class PrincipalIds {
    private final Map<String, String> prefixByIssuer;
    /** The issuer with the empty prefix, or null. */
    private final String unprefixed;
    /** Non-empty prefixes and their issuers. */
    private final String[] prefixes;
    private final String[] prefixIssuers;

    private PrincipalIds(Map<String, String> prefixByIssuer, String unprefixed, List<String> prefixes,
                         List<String> prefixIssuers) {
        this.prefixByIssuer = Map.copyOf(prefixByIssuer);
        this.unprefixed = unprefixed;
        this.prefixes = prefixes.toArray(new String[0]);
        this.prefixIssuers = prefixIssuers.toArray(new String[0]);
    }

    /**
     * The mapping of these issuers.
     *
     * @throws ConfigurationException when two issuers have the empty prefix, the same prefix,
     *         or one prefix starts another (the message names both issuers)
     */
    public static PrincipalIds of(Collection<IssuerConfig> issuers) {
        Objects.requireNonNull(issuers, "issuers");
        Map<String, String> byIssuer = new HashMap<>();
        String unprefixed = null;
        List<String> prefixes = new ArrayList<>();
        List<String> owners = new ArrayList<>();
        for (IssuerConfig c : issuers) {
            String prefix = c.principalPrefix();
            String clash = conflict(byIssuer, prefix);
            if (clash != null) {
                throw new ConfigurationException(SettingNames.PRINCIPAL_PREFIX, prefix.isEmpty()
                        ? "issuers " + clash + " and " + c.issuer() + " both have an empty principal prefix, so the"
                        + " same subject at both would be one principal in policies; give each additional issuer"
                        + " a principal prefix such as 'partner:'"
                        : "the principal prefix '" + prefix + "' of issuer " + c.issuer() + " and the prefix '"
                        + byIssuer.get(clash) + "' of issuer " + clash + " overlap (one starts the other), so"
                        + " principal ids of the two could be equal");
            }
            byIssuer.put(c.issuer(), prefix);
            if (prefix.isEmpty()) {
                unprefixed = c.issuer();
            } else {
                prefixes.add(prefix);
                owners.add(c.issuer());
            }
        }
        return new PrincipalIds(byIssuer, unprefixed, prefixes, owners);
    }

    /** The issuer whose prefix conflicts with {@code prefix}, or null. */
    private static String conflict(Map<String, String> byIssuer, String prefix) {
        for (Map.Entry<String, String> e : byIssuer.entrySet()) {
            String other = e.getValue();
            boolean clash = prefix.isEmpty() || other.isEmpty()
                    ? prefix.isEmpty() && other.isEmpty()
                    : prefix.startsWith(other) || other.startsWith(prefix);
            if (clash) {
                return e.getKey();
            }
        }
        return null;
    }

    /** Whether more than one issuer is configured (then prefixes matter). */
    public boolean severalIssuers() {
        return prefixByIssuer.size() > 1;
    }

    /** The principal prefix of {@code issuer}, or empty when it is not configured. */
    public Optional<String> prefix(String issuer) {
        return Optional.ofNullable(prefixByIssuer.get(issuer));
    }

    /** Whether {@code issuer} is one of the configured issuers (exact match). */
    public boolean isConfigured(String issuer) {
        return prefixByIssuer.containsKey(issuer);
    }

    /**
     * Why (issuer, subject) has no principal id, or null when it has one: the issuer is not
     * configured, the subject is empty, or the subject of the unprefixed issuer starts with
     * another issuer's prefix, so its id would be that issuer's principal's.
     */
    public String collision(String issuer, String subject) {
        String prefix = prefixByIssuer.get(issuer);
        if (prefix == null) {
            return "issuer is not configured";
        }
        if (subject == null || subject.isEmpty()) {
            return "subject is empty";
        }
        if (prefix.isEmpty()) {
            for (int i = 0; i < prefixes.length; i++) {
                if (subject.startsWith(prefixes[i])) {
                    return "subject starts with the principal prefix '" + prefixes[i] + "' of issuer "
                            + prefixIssuers[i] + ", so policies would take it for that issuer's principal";
                }
            }
        }
        return null;
    }

    /**
     * The id policies see for subject {@code subject} of {@code issuer}: the issuer's prefix and
     * the subject. With one issuer (empty prefix) the subject itself, without copying.
     *
     * @throws IllegalArgumentException when the pair {@linkplain #collision has no id}
     */
    public String id(String issuer, String subject) {
        String why = collision(issuer, subject);
        if (why != null) {
            throw new IllegalArgumentException(why);
        }
        String prefix = prefixByIssuer.get(issuer);
        return prefix.isEmpty() ? subject : prefix + subject;
    }

    /**
     * The issuer a principal id (as a principal policy names it) belongs to: the issuer whose
     * non-empty prefix starts it, else the unprefixed issuer; empty when no issuer can have a
     * principal with this id (no unprefixed issuer, or nothing after the prefix).
     */
    public Optional<String> issuerOf(String principalId) {
        Objects.requireNonNull(principalId, "principalId");
        for (int i = 0; i < prefixes.length; i++) {
            if (principalId.startsWith(prefixes[i])) {
                return principalId.length() > prefixes[i].length()
                        ? Optional.of(prefixIssuers[i]) : Optional.empty();
            }
        }
        return principalId.isEmpty() ? Optional.empty() : Optional.ofNullable(unprefixed);
    }

    @Override
    public String toString() {
        return "PrincipalIds" + prefixByIssuer;
    }
}
