package dev.portcullis.jaxrs;

import dev.portcullis.BearerPrincipal;
import dev.portcullis.Portcullis;
import dev.portcullis.config.Settings;
import dev.portcullis.token.VerifiedToken;

import jakarta.ws.rs.core.SecurityContext;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.security.Principal;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class BearerSecurityContextTest {
    private static SecurityContext original(boolean secure) {
        return new SecurityContext() {
            @Override
            public Principal getUserPrincipal() {
                return () -> "someone-else";
            }

            @Override
            public boolean isUserInRole(String role) {
                return true;
            }

            @Override
            public boolean isSecure() {
                return secure;
            }

            @Override
            public String getAuthenticationScheme() {
                return "BASIC";
            }
        };
    }

    private static VerifiedToken token(String subject) {
        return new VerifiedToken(TokenMint.ISSUER, subject, "jti-1", Instant.EPOCH, Instant.EPOCH.plusSeconds(600),
                "RS256", "test-key", Map.of("groups", List.of("admin")));
    }

    @Test
    void contextWhenOriginalSecureThenSecureAndBearerPrincipal(@TempDir Path dir) {
        TokenMint mint = new TokenMint(dir);
        try (Portcullis engine = Portcullis.fromSettings(Settings.of(new TestStore(dir).settings(mint)))) {
            BearerSecurityContext context = new BearerSecurityContext(engine, token("root"), original(true));

            assertThat(context.isSecure()).isTrue();
            assertThat(context.getAuthenticationScheme()).isEqualTo("Bearer");
            assertThat(context.getUserPrincipal()).isInstanceOf(BearerPrincipal.class);
            assertThat(context.getUserPrincipal().getName()).isEqualTo("root");
            assertThat(context.isUserInRole("admin")).isTrue();
            assertThat(context.isUserInRole(null)).isFalse();
        }
    }

    @Test
    void contextWhenOriginalInsecureOrMissingThenNotSecure(@TempDir Path dir) {
        TokenMint mint = new TokenMint(dir);
        try (Portcullis engine = Portcullis.fromSettings(Settings.of(mint.settings()))) {
            assertThat(new BearerSecurityContext(engine, token("root"), original(false)).isSecure()).isFalse();
            assertThat(new BearerSecurityContext(engine, token("root"), null).isSecure()).isFalse();
        }
    }

    @Test
    void isUserInRoleWhenRoleOnlyInTokenClaimsThenFalse(@TempDir Path dir) {
        TokenMint mint = new TokenMint(dir);
        try (Portcullis engine = Portcullis.fromSettings(Settings.of(new TestStore(dir).settings(mint)))) {
            BearerSecurityContext context = new BearerSecurityContext(engine, token("alice"), original(true));

            assertThat(context.isUserInRole("admin")).isFalse();
            assertThat(context.isUserInRole("user")).isTrue();
        }
    }

    @Test
    void isUserInRoleWhenPrincipalDisabledThenFalseForEveryRole(@TempDir Path dir) {
        TokenMint mint = new TokenMint(dir);
        try (Portcullis engine = Portcullis.fromSettings(Settings.of(new TestStore(dir).settings(mint)))) {
            BearerSecurityContext context = new BearerSecurityContext(engine, token("carol"), original(true));

            assertThat(context.isUserInRole("user")).isFalse();
        }
    }
}
