package dev.portcullis;

import dev.portcullis.config.Settings;
import dev.portcullis.internal.route.RouteTable;
import dev.portcullis.testing.TestKeys;
import dev.portcullis.testing.Tokens;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@link Portcullis#decide}: the requirement kinds, their precedence, the credentials it reads and
 * the identity it reuses. The same cases through every adapter are the jaxrs module's
 * {@code EngineContractTest}.
 */
class DecideTest {
    private static final String POLICY = String.join("\n",
            "apiVersion: api.cerbos.dev/v1",
            "resourcePolicy:",
            "  resource: document",
            "  version: default",
            "  rules:",
            "    - actions: ['read']",
            "      effect: EFFECT_ALLOW",
            "      roles: ['user']",
            "---",
            "apiVersion: api.cerbos.dev/v1",
            "resourcePolicy:",
            "  resource: portcullis",
            "  version: default",
            "  rules:",
            "    - actions: ['revoke']",
            "      effect: EFFECT_ALLOW",
            "      roles: ['admin']",
            "");
    private static final String PRINCIPALS = String.join("\n",
            "principals:",
            "  - {issuer: '" + Tokens.ISSUER + "', subject: alice, status: ACTIVE, roles: [user]}",
            "  - {issuer: '" + Tokens.ISSUER + "', subject: root, status: ACTIVE, roles: [admin]}",
            "  - {issuer: '" + Tokens.ISSUER + "', subject: carol, status: DISABLED, roles: [user]}",
            "");

    @TempDir
    Path dir;
    private Portcullis engine;
    private Portcullis other;

    @BeforeEach
    void setUp() throws Exception {
        engine = engine(Map.of());
        other = engine(Map.of());
    }

    @AfterEach
    void tearDown() {
        engine.close();
        other.close();
    }

    private Portcullis engine(Map<String, String> extra) throws Exception {
        Files.createDirectories(dir.resolve("policies"));
        Files.writeString(dir.resolve("policies/policy.yaml"), POLICY);
        Files.writeString(dir.resolve("principals.yaml"), PRINCIPALS);
        Path jwks = Files.writeString(dir.resolve("jwks.json"), TestKeys.jwks(TestKeys.rsa()));
        Map<String, String> m = new HashMap<>(Map.of(
                "portcullis.issuer", Tokens.ISSUER, "portcullis.audience", Tokens.AUDIENCE,
                "portcullis.jwks-file", jwks.toString(),
                "portcullis.policy.dir", dir.resolve("policies").toString(),
                "portcullis.attributes.source", "file",
                "portcullis.attributes.file", dir.resolve("principals.yaml").toString()));
        m.putAll(extra);
        return Portcullis.fromSettings(Settings.of(m));
    }

    private static List<String> bearer(String subject) {
        return List.of("Bearer " + Tokens.signedWith(TestKeys.rsa()).subject(subject).sign());
    }

    private static AccessRequest.Builder get(String path) {
        return AccessRequest.builder("GET", path);
    }

    @Test
    void decideWhenDenyAllThen403WithoutAskingForAToken() {
        Outcome outcome = engine.decide(get("/x").requirement(Requirement.denyAll("X#x")).build());

        assertThat(outcome.isRefused()).isTrue();
        assertThat(outcome.reason()).isEqualTo(Reason.ACCESS_DENIED);
        assertThat(outcome.refusal().headers()).doesNotContainKey("WWW-Authenticate");
        assertThat(outcome.decisionId()).as("refused before authentication: nobody to record").isNull();
        assertThat(engine.decide(get("/x").authorization(bearer("alice")).build()).isAdmitted())
                .as("positive control: authenticated only").isTrue();
    }

    @Test
    void decideWhenBearerThenTheRequestUrlIsNeverBuilt() {
        java.util.concurrent.atomic.AtomicInteger built = new java.util.concurrent.atomic.AtomicInteger();
        java.util.function.Supplier<String> url = () -> {
            built.incrementAndGet();
            return "https://app.example/d/1";
        };
        List<String> token = bearer("alice");

        Outcome first = engine.decide(get("/d/1").authorization(token).url(url).build());
        Outcome cached = engine.decide(get("/d/1").authorization(token).url(url).build());
        AccessRequest request = get("/d/1").url(url).build();

        assertThat(first.isAdmitted()).as("positive control").isTrue();
        assertThat(cached.isAdmitted()).isTrue();
        assertThat(built).as("only a DPoP proof's htu reads the URL").hasValue(0);
        assertThat(request.url()).isEqualTo("https://app.example/d/1");
        assertThat(built).hasValue(1);
    }

    @Test
    void decideWhenPermitAllThenPrincipalOnlyForAnActiveOne() {
        Outcome active = engine.decide(get("/open").authorization(bearer("alice"))
                .requirement(Requirement.permitAll()).build());
        Outcome disabled = engine.decide(get("/open").authorization(bearer("carol"))
                .requirement(Requirement.permitAll()).build());
        Outcome forged = engine.decide(get("/open").requirement(Requirement.permitAll())
                .authorization(List.of("Bearer " + Tokens.signedWith(TestKeys.otherRsa()).kid(TestKeys.RSA_KID).sign()))
                .build());
        Outcome none = engine.decide(get("/open").requirement(Requirement.permitAll()).build());

        assertThat(active.isAdmitted()).isTrue();
        assertThat(active.token().subject()).isEqualTo("alice");
        assertThat(active.roles()).containsExactly("user");
        assertThat(active.principalId()).isEqualTo("alice");
        for (Outcome o : List.of(disabled, forged, none)) {
            assertThat(o.isAdmitted()).isTrue();
            assertThat(o.token()).isNull();
            assertThat(o.roles()).isEmpty();
            assertThat(o.principalId()).isNull();
        }
        assertThat(disabled.presentedCredentials()).isTrue();
        assertThat(forged.presentedCredentials()).isTrue();
        assertThat(none.presentedCredentials()).isFalse();
    }

    @Test
    void decideWhenRolesAndPermissionThenBothInOrderAndRefusalsRecorded() {
        Requirement adminReads = Requirement.allOf(List.of(Requirement.roles(Set.of("admin"), "Docs#read"),
                Requirement.permission("document", "read", "1", "Docs#read")));
        Requirement userReads = Requirement.allOf(List.of(Requirement.roles(Set.of("user"), "Docs#read"),
                Requirement.permission("document", "read", "1", "Docs#read")));

        Outcome noRole = engine.decide(get("/d/1").authorization(bearer("alice")).requirement(adminReads).build());
        Outcome allowed = engine.decide(get("/d/1").authorization(bearer("alice")).requirement(userReads).build());

        assertThat(noRole.reason()).isEqualTo(Reason.ACCESS_DENIED);
        assertThat(noRole.decisionId()).as("a role refusal is recorded").isNotNull();
        assertThat(noRole.refusal().body()).contains(noRole.decisionId());
        assertThat(allowed.isAdmitted()).isTrue();
        assertThat(allowed.authorizations()).hasSize(1);
        assertThat(allowed.decisionIds()).containsExactly(allowed.authorizations().get(0).decisionId());
    }

    @Test
    void decideWhenUnresolvedPermissionThenRefusedAfterAuthentication() {
        Requirement unresolved = Requirement.unresolvedPermission("document", "read", "Docs#read", "no {id}");

        assertThat(engine.decide(get("/d").requirement(unresolved).build()).reason())
                .as("no token: 401 first").isEqualTo(Reason.MISSING_TOKEN);
        Outcome refused = engine.decide(get("/d").authorization(bearer("alice")).requirement(unresolved).build());
        assertThat(refused.reason()).isEqualTo(Reason.ACCESS_DENIED);
        assertThat(refused.decisionId()).isNotNull();
    }

    @Test
    void decideWhenDisabledPrincipalThenRecordedWhateverTheRequirement() {
        for (Requirement r : List.of(Requirement.authenticated(), Requirement.permission("document", "read", "1", "w"),
                Requirement.route(RouteTable.empty().match("GET", "/x"), RouteTable.Unmatched.AUTHENTICATED))) {
            Outcome outcome = engine.decide(get("/x").authorization(bearer("carol")).requirement(r).build());
            assertThat(outcome.reason()).as(r.toString()).isEqualTo(Reason.PRINCIPAL_DISABLED);
            assertThat(outcome.decisionId()).as(r.toString()).isNotNull();
            assertThat(engine.decide(get("/x").authorization(bearer("alice")).requirement(r).build()).isAdmitted())
                    .as("positive control: " + r).isTrue();
        }
    }

    @Test
    void decideWhenRouteTableThenUnsafeUnroutedAndUnmatchedDenyRefused() {
        RouteTable routes = RouteTable.parse("unmatched: deny\nroutes:\n  - route: GET /d/{id}\n    resource: document\n"
                + "    action: read\n    id: \"{id}\"\n", "test", "portcullis.routes");
        List<String> alice = bearer("alice");

        Outcome matched = engine.decide(get("/d/1").authorization(alice)
                .requirement(Requirement.route(routes.match("GET", "/d/1"), routes.unmatched())).build());
        Outcome unrouted = engine.decide(AccessRequest.builder("DELETE", "/d/1").authorization(alice)
                .requirement(Requirement.route(routes.match("DELETE", "/d/1"), routes.unmatched())).build());
        Outcome unmatched = engine.decide(get("/other").authorization(alice)
                .requirement(Requirement.route(routes.match("GET", "/other"), routes.unmatched())).build());
        Outcome unsafe = engine.decide(get("/d/%2F").authorization(alice)
                .requirement(Requirement.route(routes.match("GET", "/d/%2F"), routes.unmatched())).build());

        assertThat(matched.isAdmitted()).isTrue();
        assertThat(matched.decisionId()).isNotNull();
        assertThat(unrouted.reason()).isEqualTo(Reason.ACCESS_DENIED);
        assertThat(unrouted.decisionId()).isNotNull();
        assertThat(unmatched.reason()).isEqualTo(Reason.ACCESS_DENIED);
        assertThat(unmatched.decisionId()).isNotNull();
        assertThat(unsafe.reason()).isEqualTo(Reason.INVALID_REQUEST);
    }

    @Test
    void decideWhenQueryTokenThenRefusedWithoutTheSwitchAndParametersNotRead() throws Exception {
        String token = Tokens.signedWith(TestKeys.rsa()).sign();
        AtomicInteger reads = new AtomicInteger();
        AccessRequest request = get("/x").query("a=1&access_token=" + token)
                .parameters(name -> {
                    reads.incrementAndGet();
                    return "access_token".equals(name) ? List.of(token) : List.of();
                }).build();

        Outcome strict = engine.decide(request);
        assertThat(strict.reason()).isEqualTo(Reason.INVALID_REQUEST);
        assertThat(reads).as("a body that belongs to the application is never read").hasValue(0);
        try (Portcullis lax = engine(Map.of("portcullis.allow-insecure-query-parameter-tokens", "true"))) {
            Outcome admitted = lax.decide(request);
            assertThat(admitted.isAdmitted()).isTrue();
            assertThat(admitted.token().subject()).isEqualTo(Tokens.SUBJECT);
        }
    }

    @Test
    void decideWhenIdentityOfThisEngineThenReusedAndOfAnotherEngineIgnored() {
        Outcome first = engine.decide(get("/x").authorization(bearer("alice"))
                .requirement(Requirement.permitAll()).build());

        Outcome reused = engine.decide(get("/x").after(first).build());
        Outcome foreignEarlier = other.decide(get("/x").after(first).build());
        Outcome verified = engine.decide(get("/x").verified(first.token(), engine).build());
        Outcome foreignVerified = other.decide(get("/x").verified(first.token(), engine).build());

        assertThat(reused.isAdmitted()).isTrue();
        assertThat(reused.token()).isSameAs(first.token());
        assertThat(verified.isAdmitted()).isTrue();
        assertThat(foreignEarlier.reason()).as("another engine's outcome is not trusted").isEqualTo(Reason.MISSING_TOKEN);
        assertThat(foreignVerified.reason()).as("another engine's identity is not trusted")
                .isEqualTo(Reason.MISSING_TOKEN);
        assertThat(first.identifiesFor(engine)).isTrue();
        assertThat(first.identifiesFor(other)).isFalse();
    }

    @Test
    void identifiesForWhenEarlierStepRefusedTheTokenThenContinuingWithoutCredentialsRefusesAlike() {
        Outcome badToken = engine.decide(get("/x").authorization(List.of("Bearer not.a.token"))
                .requirement(Requirement.permitAll()).continuable().build());
        Outcome good = engine.decide(get("/x").authorization(bearer("alice"))
                .requirement(Requirement.permitAll()).continuable().build());

        // what an adapter may send once the earlier step identifies for this engine: no credentials
        Outcome refused = engine.decide(get("/x").after(badToken).build());
        Outcome admitted = engine.decide(get("/x").after(good).build());

        assertThat(badToken.identifiesFor(engine)).isTrue();
        assertThat(refused.reason()).as("the earlier step's reason, not a missing token")
                .isEqualTo(Reason.MALFORMED_TOKEN);
        assertThat(admitted.isAdmitted()).as("positive control").isTrue();
        assertThat(admitted.token()).isSameAs(good.token());
        Outcome broken = Outcome.internalError("GET", "/x", new IllegalStateException("boom"));
        assertThat(broken.identifiesFor(engine)).as("an outcome of no engine identifies for none").isFalse();
        assertThat(broken.identifiesFor(null)).isFalse();
    }

    @Test
    void decideWhenRevocationThenHandledForPostAndRecordedRefusalOtherwise() {
        Map<String, List<String>> params = Map.of("subject", List.of("alice"));
        Outcome revoked = engine.decide(AccessRequest.builder("POST", "/revoke").authorization(bearer("root"))
                .parameters(name -> params.getOrDefault(name, List.of())).requirement(Requirement.revocation()).build());
        Outcome byGet = engine.decide(get("/revoke").authorization(bearer("root"))
                .parameters(name -> params.getOrDefault(name, List.of())).requirement(Requirement.revocation()).build());
        Outcome notAdmin = engine.decide(AccessRequest.builder("POST", "/revoke").authorization(bearer("alice"))
                .parameters(name -> params.getOrDefault(name, List.of())).requirement(Requirement.revocation()).build());

        assertThat(revoked.kind()).isEqualTo(Outcome.Kind.HANDLED);
        assertThat(byGet.reason()).isEqualTo(Reason.ACCESS_DENIED);
        assertThat(byGet.decisionId()).isNotNull();
        assertThat(notAdmin.reason()).isEqualTo(Reason.ACCESS_DENIED);
        assertThat(notAdmin.decisionId()).isNotNull();
    }

    @Test
    void decideWhenUnexpectedFailureThenOne500ProblemAndNoThrow() throws Exception {
        try (Portcullis lax = engine(Map.of("portcullis.allow-insecure-query-parameter-tokens", "true"))) {
            Outcome outcome = lax.decide(get("/x").parameters(name -> {
                throw new IllegalStateException("container failure (test)");
            }).build());

            assertThat(outcome.isRefused()).isTrue();
            assertThat(outcome.reason()).isNull();
            assertThat(outcome.refusal().status()).isEqualTo(500);
            assertThat(outcome.refusal().body()).isEqualTo("{\"type\":\"https://portcullis.dev/problems/internal_error\","
                    + "\"title\":\"Internal error\",\"status\":500}");
            assertThat(outcome.refusal().headers()).containsEntry("Cache-Control", "no-store");
            assertThat(lax.decide(get("/x").authorization(bearer("alice")).build()).isAdmitted())
                    .as("positive control").isTrue();
        }
    }
}
