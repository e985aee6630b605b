package dev.portcullis;

import dev.portcullis.config.Settings;
import dev.portcullis.testing.TestKeys;
import dev.portcullis.testing.Tokens;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * Runs in {@link MetricsWithoutMicrometerTest}'s class loader, which has no Micrometer: builds an
 * engine from settings, decides an allowed and a refused request, reads the health, and answers
 * what it saw ({@code "ADMITTED ACCESS_DENIED UP EngineMetrics.NONE"}).
 */
public final class NoMicrometerProbe implements Function<Path, String> {
    @Override
    public String apply(Path dir) {
        try {
            Files.createDirectories(dir.resolve("policies"));
            Files.writeString(dir.resolve("policies/policy.yaml"), String.join("\n",
                    "apiVersion: api.cerbos.dev/v1", "resourcePolicy:", "  resource: document",
                    "  version: default", "  rules:", "    - actions: ['read']", "      effect: EFFECT_ALLOW",
                    "      roles: ['user']", ""));
            Files.writeString(dir.resolve("principals.yaml"), "principals:\n  - {issuer: '" + Tokens.ISSUER
                    + "', subject: alice, status: ACTIVE, roles: [user]}\n");
            Path jwks = Files.writeString(dir.resolve("jwks.json"), TestKeys.jwks(TestKeys.rsa()));
            try (Portcullis engine = Portcullis.fromSettings(Settings.of(Map.of(
                    "portcullis.issuer", Tokens.ISSUER, "portcullis.audience", Tokens.AUDIENCE,
                    "portcullis.jwks-file", jwks.toString(),
                    "portcullis.policy.dir", dir.resolve("policies").toString(),
                    "portcullis.attributes.source", "file",
                    "portcullis.attributes.file", dir.resolve("principals.yaml").toString())))) {
                List<String> bearer = List.of("Bearer " + Tokens.signedWith(TestKeys.rsa()).subject("alice").sign());
                Outcome read = engine.decide(AccessRequest.builder("GET", "/d/1").authorization(bearer)
                        .requirement(Requirement.permission("document", "read", "1", "D#read")).build());
                Outcome update = engine.decide(AccessRequest.builder("PUT", "/d/1").authorization(bearer)
                        .requirement(Requirement.permission("document", "update", "1", "D#update")).build());
                return read.kind() + " " + update.reason() + " " + engine.health().status() + " " + engine.metrics();
            }
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
