package dev.portcullis.policy.internal;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;

/**
 * Load-time checks and indexes for Cerbos scope chains. A policy of scope {@code a.b.c} needs
 * policies of the same name and version at {@code a.b}, {@code a} and the root (Cerbos: "there must
 * be no gaps in the policy chain"); a policy with
 * {@code SCOPE_PERMISSIONS_REQUIRE_PARENTAL_CONSENT_FOR_ALLOWS} must be a leaf (no policy below
 * it). Role policies may leave gaps (a custom role defined only for one tenant). Each scope's chain (itself, then each ancestor up to the root) is built once here, so a
 * decision only walks a list. Part of {@link PolicyLoader}.
 *
 * <p>Thread safety: stateless.
 */
final class ScopeChains {
    private ScopeChains() {
    }

    static String parent(String scope) {
        int dot = scope.lastIndexOf('.');
        return dot < 0 ? "" : scope.substring(0, dot);
    }

    /** Refuses gaps in a chain and parental-consent policies that are not leaves. */
    static <T> void check(Map<String, Map<String, Map<String, T>>> all,
                          Map<String, Map<String, Map<String, YamlNode>>> at, Predicate<T> consent, String what,
                          boolean noGaps) {
        for (Map.Entry<String, Map<String, Map<String, T>>> byName : all.entrySet()) {
            for (Map.Entry<String, Map<String, T>> byVersion : byName.getValue().entrySet()) {
                Map<String, T> scopes = byVersion.getValue();
                Map<String, YamlNode> nodes = at.get(byName.getKey()).get(byVersion.getKey());
                for (Map.Entry<String, T> e : scopes.entrySet()) {
                    String s = e.getKey();
                    YamlNode node = nodes.get(s);
                    String p = s;
                    while (noGaps && !p.isEmpty()) {
                        p = parent(p);
                        if (!scopes.containsKey(p)) {
                            throw node.error(what + " '" + byName.getKey() + "' version '" + byVersion.getKey()
                                    + "' of scope '" + s + "' has no parent policy of scope '" + p
                                    + "': a scope chain must have no gaps, up to the root (unscoped) policy");
                        }
                    }
                    if (consent.test(e.getValue())) {
                        for (String other : scopes.keySet()) {
                            if (other.startsWith(s + ".")) {
                                throw node.error(what + " '" + byName.getKey() + "' of scope '" + s
                                        + "' uses SCOPE_PERMISSIONS_REQUIRE_PARENTAL_CONSENT_FOR_ALLOWS but has a "
                                        + "child scope '" + other + "': that setting is only allowed at the leaves");
                            }
                        }
                    }
                }
            }
        }
    }

    static <T> boolean hasScopes(Map<String, Map<String, Map<String, T>>> all) {
        for (Map<String, Map<String, T>> v : all.values()) {
            for (Map<String, T> s : v.values()) {
                if (s.size() > 1 || !s.containsKey("")) {
                    return true;
                }
            }
        }
        return false;
    }

    /** name → version → scope → [policy of scope, parent, ..., root]. */
    static <T> Map<String, Map<String, Map<String, List<T>>>> chains(Map<String, Map<String, Map<String, T>>> all) {
        Map<String, Map<String, Map<String, List<T>>>> out = new HashMap<>();
        for (Map.Entry<String, Map<String, Map<String, T>>> byName : all.entrySet()) {
            Map<String, Map<String, List<T>>> versions = new HashMap<>();
            for (Map.Entry<String, Map<String, T>> byVersion : byName.getValue().entrySet()) {
                Map<String, T> scopes = byVersion.getValue();
                Map<String, List<T>> chains = new HashMap<>();
                for (String s : scopes.keySet()) {
                    List<T> chain = new ArrayList<>();
                    String p = s;
                    chain.add(scopes.get(p));
                    while (!p.isEmpty()) {
                        p = parent(p);
                        if (scopes.containsKey(p)) {
                            chain.add(scopes.get(p));
                        }
                    }
                    chains.put(s, List.copyOf(chain));
                }
                versions.put(byVersion.getKey(), Collections.unmodifiableMap(chains));
            }
            out.put(byName.getKey(), Collections.unmodifiableMap(versions));
        }
        return Collections.unmodifiableMap(out);
    }
}
