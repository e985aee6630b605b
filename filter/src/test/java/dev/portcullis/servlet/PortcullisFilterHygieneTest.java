package dev.portcullis.servlet;

import dev.portcullis.internal.EngineParts;
import dev.portcullis.internal.hygiene.ClaimCategory;
import dev.portcullis.testing.FilterServer;
import dev.portcullis.testing.JwksServer;
import dev.portcullis.testing.TestKeys;
import dev.portcullis.testing.Tokens;
import dev.portcullis.token.VerifiedToken;

import org.jose4j.json.JsonUtil;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** Claim hygiene through the real filter over HTTP, with a Keycloak-style access token. */
class PortcullisFilterHygieneTest {
    private JwksServer idp;
    private FilterServer app;

    @BeforeEach
    void setUp() throws Exception {
        idp = JwksServer.serving(TestKeys.rsa());
    }

    @AfterEach
    void tearDown() throws Exception {
        if (app != null) {
            app.close();
        }
        idp.close();
    }

    private static String keycloakStyle() {
        return Tokens.signedWith(TestKeys.rsa())
                .claim("realm_access", Map.of("roles", List.of("default-roles-demo", "admin")))
                .claim("resource_access", Map.of("account", Map.of("roles", List.of("manage-account"))))
                .claim("email", "alice@example.com")
                .claim("name", "Alice Doe")
                .claim("preferred_username", "alice")
                .claim("scope", "openid profile")
                .sign();
    }

    @Test
    void requestWhenTokenCarriesRolesAndPersonalDataThen401ForbiddenClaimsNamingBothCategories() throws Exception {
        app = FilterServer.builder().trusting(idp).start();
        String token = keycloakStyle();
        HttpResponse<String> r = app.getWithToken("/documents", token);
        assertThat(r.statusCode()).isEqualTo(401);
        assertThat(r.headers().firstValue("WWW-Authenticate")).hasValueSatisfying(h -> assertThat(h)
                .contains("error=\"invalid_token\"").contains("authorization").contains("personal-data"));
        Map<String, Object> problem = JsonUtil.parseJson(r.body());
        assertThat(problem).containsEntry("reason", "forbidden_claims");
        assertThat((String) problem.get("detail")).contains("authorization").contains("personal-data");
        assertThat(r.body()).doesNotContain("alice@example.com", "Alice Doe", "admin", token);
        assertThat(app.invocations()).as("nothing stripped silently: the application never ran").isZero();

        HttpResponse<String> clean = app.getWithToken("/documents", Tokens.signedWith(TestKeys.rsa())
                .claim("scope", "openid profile").sign());
        assertThat(clean.statusCode()).as("positive control: an identity-only token passes").isEqualTo(200);
    }

    @Test
    void requestWhenReportModeThenAllowedWithReportedClaimsWithheldAndCounted() throws Exception {
        app = FilterServer.builder().trusting(idp)
                .param("portcullis.hygiene.authorization", "report")
                .param("portcullis.hygiene.personal-data", "report")
                .start();
        HttpResponse<String> r = app.getWithToken("/documents", keycloakStyle());
        assertThat(r.statusCode()).isEqualTo(200);
        VerifiedToken seen = (VerifiedToken) app.lastIdentity();
        assertThat(seen.claims()).containsKeys("sub", "iss", "scope")
                .doesNotContainKeys("realm_access", "resource_access", "email", "name", "preferred_username");
        assertThat(EngineParts.of(app.engine()).hygiene().counts().reports(ClaimCategory.AUTHORIZATION)).isEqualTo(1);
        assertThat(EngineParts.of(app.engine()).hygiene().counts().reports(ClaimCategory.PERSONAL_DATA)).isEqualTo(1);
    }

    @Test
    void isUserInRoleWhenTokenClaimsRolesThenAnsweredFromTheStoreOnly(@TempDir Path dir) throws Exception {
        Path principals = dir.resolve("principals.yaml");
        Files.writeString(principals, String.join("\n",
                "principals:",
                "  - {issuer: '" + Tokens.ISSUER + "', subject: alice, roles: [admin]}",
                "  - {issuer: '" + Tokens.ISSUER + "', subject: bob, roles: [viewer]}",
                ""));
        app = FilterServer.builder().trusting(idp)
                .param("portcullis.hygiene.authorization", "off") // the role claims reach the engine untouched
                .param("portcullis.attributes.source", "file")
                .param("portcullis.attributes.file", principals.toString())
                .start();

        String bobClaimingAdmin = Tokens.signedWith(TestKeys.rsa()).subject("bob")
                .claim("roles", List.of("admin")).claim("realm_access", Map.of("roles", List.of("admin"))).sign();
        HttpResponse<String> bob = app.getWithToken("/documents", bobClaimingAdmin);
        HttpResponse<String> alice = app.getWithToken("/documents",
                Tokens.signedWith(TestKeys.rsa()).subject("alice").sign());

        assertThat(bob.statusCode()).isEqualTo(200);
        assertThat(bob.body()).as("a role claimed by the token is no role").contains("principal=bob\n",
                "inRoleAdmin=false\n");
        assertThat(alice.statusCode()).isEqualTo(200);
        assertThat(alice.body()).as("positive control: the store's role").contains("principal=alice\n",
                "inRoleAdmin=true\n");
    }

    @Test
    void requestWhenTooManyClaimsThen401WithItsOwnReason() throws Exception {
        app = FilterServer.builder().trusting(idp).param("portcullis.hygiene.max-claims", "8").start();
        Tokens.Builder b = Tokens.signedWith(TestKeys.rsa());
        for (int i = 0; i < 10; i++) {
            b.claim("x" + i, i);
        }
        HttpResponse<String> r = app.getWithToken("/documents", b.sign());
        assertThat(r.statusCode()).isEqualTo(401);
        assertThat((Map<String, Object>) JsonUtil.parseJson(r.body())).containsEntry("reason", "too_many_claims");
    }
}
