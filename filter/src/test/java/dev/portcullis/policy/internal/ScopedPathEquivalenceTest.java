package dev.portcullis.policy.internal;

import dev.portcullis.policy.Decision;
import dev.portcullis.policy.PrincipalContext;
import dev.portcullis.policy.ResourceContext;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static dev.portcullis.policy.internal.PolicyFixtures.write;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The scoped decision path ({@link ScopedDecider}) answers an unscoped request exactly as the flat
 * path ({@link PolicySet}) does: the demo policies are decided twice, once alone and once beside a
 * policy with an output (which sends every request through the scoped path), for every principal,
 * owner and action, and the decisions must be equal.
 */
class ScopedPathEquivalenceTest {
    @TempDir
    Path flat;
    @TempDir
    Path scoped;

    @Test
    void decideWhenUnscopedRequestTakesTheScopedPathThenSameDecisionAsTheFlatPath() throws Exception {
        Path demo = Path.of("src/test/resources/policies/demo");
        for (String f : List.of("document.yaml", "user.yaml", "derived_roles_owner.yaml")) {
            Files.copy(demo.resolve(f), flat.resolve(f));
            Files.copy(demo.resolve(f), scoped.resolve(f));
        }
        write(scoped, "other.yaml", "apiVersion: api.cerbos.dev/v1\nresourcePolicy:\n  resource: other\n"
                + "  version: default\n  rules:\n    - actions: [x]\n      effect: EFFECT_ALLOW\n      roles: ['*']\n"
                + "      output:\n        expr: P.id\n");
        CerbosPolicyEvaluator a = CerbosPolicyEvaluator.load(flat);
        CerbosPolicyEvaluator b = CerbosPolicyEvaluator.load(scoped);
        assertThat(b.decide(PrincipalContext.of("u", Set.of()), ResourceContext.of("other", "1"), "x").outputs())
                .as("the second set does take the scoped path").hasSize(1);
        int compared = 0;
        int allowed = 0;
        List<Map<String, Object>> owners = new ArrayList<>();
        owners.add(Map.of());
        owners.add(Map.of("owner", "dave"));
        owners.add(Map.of("owner", "carol"));
        owners.add(Map.of("owner", 7));
        for (String role : List.of("admin", "viewer", "editor", "guest")) {
            for (String id : List.of("dave", "carol")) {
                for (Map<String, Object> attr : owners) {
                    for (String kind : List.of("document", "user", "none")) {
                        for (String action : List.of("read", "update", "delete", "disable", "list", "x")) {
                            PrincipalContext p = PrincipalContext.of(id, Set.of(role), new HashMap<>(Map.of("k", 1)));
                            ResourceContext r = ResourceContext.of(kind, "1", attr);
                            Decision da = a.decide(p, r, action);
                            Decision db = b.decide(p, r, action);
                            // the same decision; error texts name each set's own directory
                            assertThat(db.toString().replace(scoped.toString(), "DIR"))
                                    .as("%s %s %s %s %s", role, id, attr, kind, action)
                                    .isEqualTo(da.toString().replace(flat.toString(), "DIR"));
                            assertThat(db.activeDerivedRoles()).isEqualTo(da.activeDerivedRoles());
                            compared++;
                            allowed += da.isAllowed() ? 1 : 0;
                        }
                    }
                }
            }
        }
        assertThat(compared).isEqualTo(576);
        assertThat(allowed).as("some requests are allowed, some denied").isBetween(20, 500);
    }
}
