package dev.portcullis;

import dev.portcullis.config.Settings;
import dev.portcullis.policy.ResourceResolver;
import dev.portcullis.testing.TestKeys;
import dev.portcullis.testing.Tokens;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The engine asks the resource resolver only when a policy reads the resource's attributes: a role
 * rule that decides first costs no resolver call; an owner condition, or a deny rule whose
 * condition reads {@code R.attr}, does. A resolver that fails is harmless where the attributes are
 * not needed and refuses with 503 (attributes unavailable) wherever they are.
 */
class ResourceResolverOnReadTest {
    private static final String POLICY = String.join("\n",
            "apiVersion: api.cerbos.dev/v1",
            "resourcePolicy:",
            "  resource: document",
            "  version: default",
            "  importDerivedRoles: [owner]",
            "  rules:",
            "    - actions: [read]",
            "      effect: EFFECT_ALLOW",
            "      roles: [viewer]",
            "    - actions: [read]",
            "      effect: EFFECT_ALLOW",
            "      derivedRoles: [owner]",
            "    - actions: [archive]",
            "      effect: EFFECT_DENY",
            "      roles: ['*']",
            "      condition:",
            "        match:",
            "          expr: R.attr.locked == true",
            "    - actions: [archive, delete]",
            "      effect: EFFECT_ALLOW",
            "      roles: [admin]",
            "");
    private static final String OWNER = String.join("\n",
            "apiVersion: api.cerbos.dev/v1",
            "derivedRoles:",
            "  name: owner",
            "  definitions:",
            "    - name: owner",
            "      parentRoles: ['*']",
            "      condition:",
            "        match:",
            "          expr: R.attr.owner == P.id",
            "");

    /** Documents 1 (bob's) and 2 (bob's, locked); counts calls; can be taken down. */
    public static final class Documents implements ResourceResolver {
        static final AtomicInteger CALLS = new AtomicInteger();
        static volatile boolean down;

        @Override
        public Map<String, Object> resolve(String kind, String id) {
            CALLS.incrementAndGet();
            if (down) {
                throw new IllegalStateException("document store down");
            }
            return "2".equals(id) ? Map.of("owner", "bob", "locked", true) : Map.of("owner", "bob", "locked", false);
        }
    }

    @TempDir
    Path dir;

    @AfterEach
    void reset() {
        Documents.down = false;
    }

    private Portcullis engine() throws Exception {
        Files.createDirectories(dir.resolve("policies"));
        Files.writeString(dir.resolve("policies/document.yaml"), POLICY);
        Files.writeString(dir.resolve("policies/owner.yaml"), OWNER);
        Files.writeString(dir.resolve("principals.yaml"), "principals:\n"
                + "  - {issuer: '" + Tokens.ISSUER + "', subject: carol, status: ACTIVE, roles: [viewer]}\n"
                + "  - {issuer: '" + Tokens.ISSUER + "', subject: bob, status: ACTIVE, roles: [user]}\n"
                + "  - {issuer: '" + Tokens.ISSUER + "', subject: eve, status: ACTIVE, roles: [user]}\n"
                + "  - {issuer: '" + Tokens.ISSUER + "', subject: alice, status: ACTIVE, roles: [admin]}\n");
        Path jwks = Files.writeString(dir.resolve("jwks.json"), TestKeys.jwks(TestKeys.rsa()));
        Map<String, String> m = new HashMap<>(Map.of(
                "portcullis.issuer", Tokens.ISSUER, "portcullis.audience", Tokens.AUDIENCE,
                "portcullis.jwks-file", jwks.toString(),
                "portcullis.policy.dir", dir.resolve("policies").toString(),
                "portcullis.attributes.source", "file",
                "portcullis.attributes.file", dir.resolve("principals.yaml").toString(),
                "portcullis.resource-resolver", Documents.class.getName()));
        return Portcullis.fromSettings(Settings.of(m));
    }

    /** The outcome, and how many times the resolver was asked for it. */
    private static Object[] ask(Portcullis engine, String who, String action, String doc) {
        String token = Tokens.signedWith(TestKeys.rsa()).subject(who).sign();
        int before = Documents.CALLS.get();
        Outcome o = engine.decide(AccessRequest.builder("GET", "/documents/" + doc)
                .authorization(List.of("Bearer " + token))
                .requirement(Requirement.permission("document", action, doc, "Documents#" + action)).build());
        return new Object[] {o, Documents.CALLS.get() - before};
    }

    @Test
    void decideWhenRoleRuleDecidesThenResolverNotCalled() throws Exception {
        try (Portcullis engine = engine()) {
            Object[] r = ask(engine, "carol", "read", "1");
            assertThat(((Outcome) r[0]).isAdmitted()).isTrue();
            assertThat(r[1]).as("viewer role rule: no resolver call").isEqualTo(0);
            r = ask(engine, "alice", "delete", "1");
            assertThat(((Outcome) r[0]).isAdmitted()).isTrue();
            assertThat(r[1]).as("admin role rule, no condition for delete").isEqualTo(0);
        }
    }

    @Test
    void decideWhenConditionReadsResourceAttributesThenResolverCalledOnce() throws Exception {
        try (Portcullis engine = engine()) {
            Object[] r = ask(engine, "bob", "read", "1");
            assertThat(((Outcome) r[0]).isAdmitted()).as("bob owns 1").isTrue();
            assertThat(r[1]).isEqualTo(1);
            r = ask(engine, "eve", "read", "1");
            assertThat(((Outcome) r[0]).reason()).as("eve does not").isEqualTo(Reason.ACCESS_DENIED);
            assertThat(r[1]).isEqualTo(1);
            // the deny rule for every role reads R.attr before the admin's allow is reached
            r = ask(engine, "alice", "archive", "2");
            assertThat(((Outcome) r[0]).reason()).as("locked").isEqualTo(Reason.ACCESS_DENIED);
            assertThat(r[1]).isEqualTo(1);
            r = ask(engine, "alice", "archive", "1");
            assertThat(((Outcome) r[0]).isAdmitted()).as("positive control: not locked").isTrue();
            assertThat(r[1]).isEqualTo(1);
        }
    }

    @Test
    void decideWhenResolverDownThenRefusedOnlyWhereAttributesAreNeeded() throws Exception {
        try (Portcullis engine = engine()) {
            Documents.down = true;
            Object[] r = ask(engine, "bob", "read", "1");
            assertThat(((Outcome) r[0]).reason()).as("owner condition needs the attributes")
                    .isEqualTo(Reason.ATTRIBUTES_UNAVAILABLE);
            assertThat(((Outcome) r[0]).reason().status()).isEqualTo(503);
            r = ask(engine, "alice", "archive", "1");
            assertThat(((Outcome) r[0]).reason()).as("not an allow decided without the lock flag")
                    .isEqualTo(Reason.ATTRIBUTES_UNAVAILABLE);
            r = ask(engine, "carol", "read", "1");
            assertThat(((Outcome) r[0]).isAdmitted()).as("role rule: the resolver is not needed").isTrue();
            assertThat(r[1]).isEqualTo(0);
        }
    }
}
