package dev.portcullis;

import dev.portcullis.config.ConfigurationException;
import dev.portcullis.config.Settings;
import dev.portcullis.policy.ResourceResolver;
import dev.portcullis.testing.MutableClock;
import dev.portcullis.testing.TestKeys;
import dev.portcullis.testing.Tokens;
import dev.portcullis.token.VerifiedToken;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

/**
 * Identity is (issuer, subject): two issuers that both issue {@code sub: alice} are two
 * principals, and nothing written for one (principal policies, {@code R.attr.owner == P.id},
 * {@code P.attr.iss}) applies to the other. Issuer A is the primary ({@code portcullis.issuer},
 * no prefix), issuer B is listed as {@code partner} (prefix {@code partner:}); each signs with its
 * own RSA key.
 */
class SeveralIssuersTest {
    static final String A = Tokens.ISSUER;
    static final String B = "https://partner.test";

    private static final String DOCUMENT_POLICY = String.join("\n",
            "apiVersion: api.cerbos.dev/v1",
            "resourcePolicy:",
            "  resource: document",
            "  version: default",
            "  importDerivedRoles: [owner]",
            "  rules:",
            "    - name: update-owner",
            "      actions: ['update']",
            "      effect: EFFECT_ALLOW",
            "      derivedRoles: ['owner']",
            "    - name: audit-a-only",
            "      actions: ['audit']",
            "      effect: EFFECT_ALLOW",
            "      roles: ['*']",
            "      condition:",
            "        match:",
            "          expr: P.attr.iss == '" + A + "' && P.attr.sub == 'alice'",
            "");
    private static final String OWNER_ROLE = String.join("\n",
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

    @TempDir
    Path dir;

    /** Owners as the application stores them: principal ids. */
    public static final class Documents implements ResourceResolver {
        @Override
        public Map<String, Object> resolve(String kind, String id) {
            switch (id) {
                case "of-alice-at-a":
                    return Map.of("owner", "alice");
                case "of-alice-at-b":
                    return Map.of("owner", "partner:alice");
                default:
                    return Map.of();
            }
        }
    }

    private static String principalPolicy(String principal, String action) {
        return String.join("\n",
                "apiVersion: api.cerbos.dev/v1",
                "principalPolicy:",
                "  principal: '" + principal + "'",
                "  version: default",
                "  rules:",
                "    - resource: document",
                "      actions:",
                "        - action: '" + action + "'",
                "          effect: EFFECT_ALLOW",
                "");
    }

    private Path policies(String... extraFiles) throws Exception {
        Path p = Files.createDirectories(dir.resolve("policies"));
        Files.writeString(p.resolve("document.yaml"), DOCUMENT_POLICY);
        Files.writeString(p.resolve("owner.yaml"), OWNER_ROLE);
        for (int i = 0; i < extraFiles.length; i += 2) {
            Files.writeString(p.resolve(extraFiles[i]), extraFiles[i + 1]);
        }
        return p;
    }

    private Map<String, String> twoIssuers() throws Exception {
        Map<String, String> m = new HashMap<>();
        m.put("portcullis.issuer", A);
        m.put("portcullis.audience", Tokens.AUDIENCE);
        m.put("portcullis.jwks-file", Files.writeString(dir.resolve("a.json"), TestKeys.jwks(TestKeys.rsa())).toString());
        m.put("portcullis.issuers", "partner");
        m.put("portcullis.issuers.partner.issuer", B);
        m.put("portcullis.issuers.partner.audience", Tokens.AUDIENCE);
        m.put("portcullis.issuers.partner.jwks-file",
                Files.writeString(dir.resolve("b.json"), TestKeys.jwks(TestKeys.otherRsa())).toString());
        m.put("portcullis.attributes.source", "file");
        m.put("portcullis.attributes.file", Files.writeString(dir.resolve("principals.yaml"), String.join("\n",
                "principals:",
                "  - {issuer: '" + A + "', subject: alice}",
                "  - {issuer: '" + B + "', subject: alice, attributes: {iss: '" + A + "', sub: alice}}",
                "  - {issuer: '" + B + "', subject: 'partner:x'}",
                "")).toString());
        m.put("portcullis.resource-resolver", Documents.class.getName());
        return m;
    }

    private Portcullis engine(Map<String, String> settings, Path policies) {
        settings.put("portcullis.policy.dir", policies.toString());
        return Portcullis.fromSettings(Settings.of(settings), MutableClock.now());
    }

    private static VerifiedToken login(Portcullis engine, String issuer, String subject) throws PortcullisException {
        String token = (issuer.equals(A) ? Tokens.signedWith(TestKeys.rsa()) : Tokens.signedWith(TestKeys.otherRsa()))
                .issuer(issuer).subject(subject).sign();
        return engine.authenticate(List.of("Bearer " + token), List.of());
    }

    private static Reason decide(Portcullis engine, VerifiedToken who, String doc, String action) {
        try {
            engine.authorize(who, "document", doc, action, "POST", "/documents/" + doc);
            return null;
        } catch (PortcullisException e) {
            return e.reason();
        }
    }

    @Test
    void principalPolicyForAliceOfAWhenAliceOfBAsksThenNotApplied() throws Exception {
        try (Portcullis engine = engine(twoIssuers(), policies("alice.yaml", principalPolicy("alice", "delete"),
                "partner-alice.yaml", principalPolicy("partner:alice", "archive")))) {
            VerifiedToken aliceA = login(engine, A, "alice");
            VerifiedToken aliceB = login(engine, B, "alice");

            assertThat(decide(engine, aliceA, "any", "delete")).as("positive control: alice of A").isNull();
            assertThat(decide(engine, aliceB, "any", "delete")).as("alice of B").isEqualTo(Reason.ACCESS_DENIED);
            assertThat(decide(engine, aliceB, "any", "archive")).as("positive control: partner:alice").isNull();
            assertThat(decide(engine, aliceA, "any", "archive")).as("alice of A").isEqualTo(Reason.ACCESS_DENIED);
        }
    }

    @Test
    void ownerConditionWhenSameSubjectOfOtherIssuerThenNoMatch() throws Exception {
        try (Portcullis engine = engine(twoIssuers(), policies())) {
            VerifiedToken aliceA = login(engine, A, "alice");
            VerifiedToken aliceB = login(engine, B, "alice");

            assertThat(decide(engine, aliceA, "of-alice-at-a", "update")).as("positive control").isNull();
            assertThat(decide(engine, aliceB, "of-alice-at-a", "update")).isEqualTo(Reason.ACCESS_DENIED);
            assertThat(decide(engine, aliceB, "of-alice-at-b", "update")).as("positive control").isNull();
            assertThat(decide(engine, aliceA, "of-alice-at-b", "update")).isEqualTo(Reason.ACCESS_DENIED);
            assertThat(engine.principalId(aliceA)).isEqualTo("alice");
            assertThat(engine.principalId(aliceB)).isEqualTo("partner:alice");
        }
    }

    @Test
    void issuerAttributeWhenStoreClaimsOtherIssuerThenPolicySeesTheTokenIssuer() throws Exception {
        try (Portcullis engine = engine(twoIssuers(), policies())) {
            // the store gives alice of B the attributes iss=A and sub=alice: reserved, replaced
            assertThat(decide(engine, login(engine, B, "alice"), "any", "audit")).isEqualTo(Reason.ACCESS_DENIED);
            assertThat(decide(engine, login(engine, A, "alice"), "any", "audit")).as("positive control").isNull();
        }
    }

    @Test
    void authenticateWhenPrimarySubjectLooksLikeOtherIssuersIdThenRefused() throws Exception {
        try (Portcullis engine = engine(twoIssuers(), policies())) {
            PortcullisException e = catchThrowableOfType(PortcullisException.class,
                    () -> login(engine, A, "partner:alice"));

            assertThat(e.reason()).isEqualTo(Reason.INVALID_CLAIMS);
            assertThat(e.getMessage()).contains("partner:").contains("portcullis.principal-prefix");
            assertThat(login(engine, A, "alice").subject()).as("positive control").isEqualTo("alice");
            assertThat(engine.principalId(login(engine, B, "partner:x"))).as("B's own prefix is unambiguous")
                    .isEqualTo("partner:partner:x");
        }
    }

    @Test
    void authorizeWhenIdentityOfAnIssuerThisEngineDoesNotTrustThenDeniedNotFailed() throws Exception {
        try (Portcullis engine = engine(twoIssuers(), policies())) {
            VerifiedToken stranger = new VerifiedToken("https://stranger.test", "alice", null, null,
                    Instant.now().plusSeconds(60), "RS256", null, Map.of());
            VerifiedToken aliceA = login(engine, A, "alice");
            var attrs = engine.principal(aliceA);

            PortcullisException e = catchThrowableOfType(PortcullisException.class,
                    () -> engine.authorize(stranger, attrs, "document", "of-alice-at-a", "update", "PUT", "/d"));

            assertThat(e.reason()).isEqualTo(Reason.ACCESS_DENIED);
            assertThat(e.decisionId()).isNotBlank();
            assertThat(engine.authorize(aliceA, attrs, "document", "of-alice-at-a", "update", "PUT", "/d"))
                    .as("positive control").isNotNull();
        }
    }

    @Test
    void singleIssuerWhenPrincipalPolicyAndOwnerConditionThenIdIsTheSubject() throws Exception {
        Map<String, String> settings = twoIssuers();
        settings.remove("portcullis.issuers");
        try (Portcullis engine = engine(settings, policies("alice.yaml", principalPolicy("alice", "delete")))) {
            VerifiedToken alice = login(engine, A, "alice");

            assertThat(engine.principalId(alice)).isEqualTo("alice");
            assertThat(decide(engine, alice, "any", "delete")).isNull();
            assertThat(decide(engine, alice, "of-alice-at-a", "update")).isNull();
            assertThat(decide(engine, alice, "of-alice-at-b", "update")).isEqualTo(Reason.ACCESS_DENIED);
        }
    }

    @Test
    void singleListedIssuerWhenNoPrefixSetThenIdIsTheSubject() throws Exception {
        Map<String, String> settings = twoIssuers();
        settings.remove("portcullis.issuer");
        try (Portcullis engine = engine(settings, policies())) {
            assertThat(engine.principalId(login(engine, B, "alice"))).isEqualTo("alice");
        }
    }

    @Test
    void startWhenPrincipalPolicyNamesNoConfiguredIssuersPrincipalThenRefusedNamingTheFile() throws Exception {
        Map<String, String> settings = twoIssuers();
        settings.put("portcullis.issuers", "a,partner"); // no primary: every issuer has a prefix
        settings.put("portcullis.issuers.a.issuer", settings.remove("portcullis.issuer"));
        settings.put("portcullis.issuers.a.audience", settings.remove("portcullis.audience"));
        settings.put("portcullis.issuers.a.jwks-file", settings.remove("portcullis.jwks-file"));
        Path withBareAlice = policies("alice.yaml", principalPolicy("alice", "delete"));

        assertThatThrownBy(() -> engine(new HashMap<>(settings), withBareAlice))
                .isInstanceOf(ConfigurationException.class)
                .hasMessageStartingWith("portcullis.policy.dir: ")
                .hasMessageContaining("alice.yaml").hasMessageContaining("'alice'")
                .hasMessageContaining("principal-prefix");

        Files.delete(withBareAlice.resolve("alice.yaml"));
        Files.writeString(withBareAlice.resolve("a-alice.yaml"), principalPolicy("a:alice", "delete"));
        try (Portcullis engine = engine(new HashMap<>(settings), withBareAlice)) {
            assertThat(decide(engine, login(engine, A, "alice"), "any", "delete")).as("positive control").isNull();
            assertThat(decide(engine, login(engine, B, "alice"), "any", "delete")).isEqualTo(Reason.ACCESS_DENIED);
        }
    }

    @Test
    void startWhenPrefixesOverlapOrBothEmptyThenRefusedNamingTheSetting() throws Exception {
        Map<String, String> same = twoIssuers();
        same.put("portcullis.principal-prefix", "partner:");
        assertThatThrownBy(() -> engine(same, policies())).isInstanceOf(ConfigurationException.class)
                .hasMessageStartingWith("portcullis.issuers.partner.principal-prefix: ").hasMessageContaining("overlap");

        Map<String, String> nested = twoIssuers();
        nested.put("portcullis.principal-prefix", "partner:x");
        assertThatThrownBy(() -> engine(nested, policies())).isInstanceOf(ConfigurationException.class)
                .hasMessageStartingWith("portcullis.issuers.partner.principal-prefix: ");

        Map<String, String> bothEmpty = twoIssuers();
        bothEmpty.put("portcullis.issuers.partner.principal-prefix", "none");
        assertThatThrownBy(() -> engine(bothEmpty, policies())).isInstanceOf(ConfigurationException.class)
                .hasMessageStartingWith("portcullis.issuers.partner.principal-prefix: ")
                .hasMessageContaining("both have an empty principal prefix");

        Map<String, String> swapped = twoIssuers();
        swapped.put("portcullis.principal-prefix", "main/");
        swapped.put("portcullis.issuers.partner.principal-prefix", "none");
        try (Portcullis engine = engine(swapped, policies())) {
            assertThat(engine.principalId(login(engine, A, "alice"))).as("positive control").isEqualTo("main/alice");
            assertThat(engine.principalId(login(engine, B, "alice"))).isEqualTo("alice");
        }
    }

    @Test
    void builderWhenTwoIssuersWithoutPrefixesThenRefused() {
        byte[] secret = "0123456789abcdefghijklmnopqrstuvwxyzABCDEF".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
        var a = dev.portcullis.token.internal.IssuerConfig.builder(A).audiences("api").hmacSecret(secret);
        var b = dev.portcullis.token.internal.IssuerConfig.builder(B).audiences("api").hmacSecret(secret);

        assertThatThrownBy(() -> Portcullis.builder().validator(dev.portcullis.token.internal.TokenValidator.builder()
                .issuer(a.build()).issuer(b.build()).build()).build())
                .isInstanceOf(dev.portcullis.config.ConfigurationException.class).hasMessageContaining("empty principal prefix");
        try (Portcullis engine = Portcullis.builder().validator(dev.portcullis.token.internal.TokenValidator.builder()
                .issuer(a.build()).issuer(b.principalPrefix("partner:").build()).build()).build()) {
            assertThat(engine.principalIds().id(B, "alice")).as("positive control").isEqualTo("partner:alice");
        }
    }
}
