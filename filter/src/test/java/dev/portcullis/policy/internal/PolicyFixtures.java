package dev.portcullis.policy.internal;

import dev.portcullis.policy.Decision;
import dev.portcullis.policy.PrincipalContext;
import dev.portcullis.policy.ResourceContext;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Map;
import java.util.Set;

/** Helpers to write policy files and ask for decisions in tests. */
final class PolicyFixtures {
    private PolicyFixtures() {
    }

    static Path write(Path dir, String name, String text) {
        try {
            Path p = dir.resolve(name);
            Files.createDirectories(p.getParent());
            Files.writeString(p, text, StandardCharsets.UTF_8);
            return p;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A resource policy for kind {@code doc} with one allow rule for {@code act} and the given condition. */
    static String conditionPolicy(String expr) {
        return "apiVersion: api.cerbos.dev/v1\n"
                + "resourcePolicy:\n"
                + "  resource: doc\n"
                + "  version: default\n"
                + "  rules:\n"
                + "    - name: conditional\n"
                + "      actions: [act]\n"
                + "      effect: EFFECT_ALLOW\n"
                + "      roles: ['*']\n"
                + "      condition:\n"
                + "        match:\n"
                + "          expr: " + quote(expr) + "\n";
    }

    static String quote(String expr) {
        return "'" + expr.replace("'", "''") + "'";
    }

    static Decision decideExpr(Path dir, Clock clock, String expr, Map<String, ?> principalAttr,
                               Map<String, ?> resourceAttr) {
        write(dir, "doc.yaml", conditionPolicy(expr));
        CerbosPolicyEvaluator e = CerbosPolicyEvaluator.builder().directory(dir).clock(clock).build();
        return e.decide(PrincipalContext.of("p1", Set.of("user"), principalAttr),
                ResourceContext.of("doc", "d1", resourceAttr), "act");
    }
}
