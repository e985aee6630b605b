package dev.portcullis;

import dev.portcullis.config.Settings;
import dev.portcullis.testing.TestKeys;
import dev.portcullis.testing.Tokens;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code request.auxData.jwt} through the engine: the verified token's claims, after claim
 * hygiene, reach conditions; a policy that reads them decides on them.
 */
class AuxDataJwtTest {
    private static final String POLICY = String.join("\n",
            "apiVersion: api.cerbos.dev/v1",
            "resourcePolicy:",
            "  resource: report",
            "  version: default",
            "  rules:",
            "    - actions: [read]",
            "      effect: EFFECT_ALLOW",
            "      roles: [user]",
            "      condition:",
            "        match:",
            "          expr: has(request.auxData.jwt.acr) && request.auxData.jwt.acr == 'mfa'",
            "");

    @TempDir
    Path dir;

    private Portcullis engine() throws Exception {
        Files.createDirectories(dir.resolve("policies"));
        Files.writeString(dir.resolve("policies/report.yaml"), POLICY);
        Files.writeString(dir.resolve("principals.yaml"), "principals:\n  - {issuer: '" + Tokens.ISSUER
                + "', subject: alice, status: ACTIVE, roles: [user]}\n");
        Path jwks = Files.writeString(dir.resolve("jwks.json"), TestKeys.jwks(TestKeys.rsa()));
        Map<String, String> m = new HashMap<>(Map.of(
                "portcullis.issuer", Tokens.ISSUER, "portcullis.audience", Tokens.AUDIENCE,
                "portcullis.jwks-file", jwks.toString(),
                "portcullis.policy.dir", dir.resolve("policies").toString(),
                "portcullis.attributes.source", "file",
                "portcullis.attributes.file", dir.resolve("principals.yaml").toString()));
        return Portcullis.fromSettings(Settings.of(m));
    }

    private static Outcome read(Portcullis engine, String acr) {
        Tokens.Builder t = Tokens.signedWith(TestKeys.rsa()).subject("alice");
        if (acr != null) {
            t.claim("acr", acr);
        }
        return engine.decide(AccessRequest.builder("GET", "/reports/1").authorization(List.of("Bearer " + t.sign()))
                .requirement(Requirement.permission("report", "read", "1", "Reports#read")).build());
    }

    @Test
    void decideWhenPolicyReadsAuxDataJwtThenTheTokensClaimsDecide() throws Exception {
        try (Portcullis engine = engine()) {
            assertThat(read(engine, "mfa").isAdmitted()).isTrue();
            assertThat(read(engine, "pwd").isRefused()).isTrue();
            assertThat(read(engine, null).isRefused()).isTrue();
        }
    }
}
