package dev.portcullis;

import dev.portcullis.config.ConfigurationException;
import dev.portcullis.config.Settings;
import dev.portcullis.internal.EngineParts;
import dev.portcullis.testing.MutableClock;
import dev.portcullis.testing.TestKeys;
import dev.portcullis.testing.Tokens;
import dev.portcullis.token.VerifiedToken;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

class PortcullisTest {
    @TempDir
    Path dir;

    private Portcullis engine(String... extra) throws Exception {
        Path jwks = Files.writeString(dir.resolve("jwks.json"), TestKeys.jwks(TestKeys.rsa()));
        Map<String, String> m = new java.util.HashMap<>(Map.of(
                "portcullis.issuer", Tokens.ISSUER, "portcullis.audience", Tokens.AUDIENCE,
                "portcullis.jwks-file", jwks.toString()));
        for (int i = 0; i < extra.length; i += 2) {
            m.put(extra[i], extra[i + 1]);
        }
        return Portcullis.fromSettings(Settings.of(m), MutableClock.now());
    }

    @Test
    void authenticateWhenValidBearerHeaderThenVerifiedToken() throws Exception {
        try (Portcullis p = engine()) {
            VerifiedToken t = p.authenticate(List.of("Bearer " + Tokens.signedWith(TestKeys.rsa()).sign()), List.of());
            assertThat(t.subject()).isEqualTo(Tokens.SUBJECT);
            BearerPrincipal principal = new BearerPrincipal(t);
            assertThat(principal.getName()).isEqualTo(Tokens.SUBJECT);
            assertThat(principal).isEqualTo(new BearerPrincipal(t.withClaims(Map.of())))
                    .hasSameHashCodeAs(new BearerPrincipal(t.withClaims(Map.of())));
            assertThat(principal.toString()).contains(Tokens.SUBJECT).contains(Tokens.ISSUER);
            assertThat(EngineParts.of(p).tokenValidator().issuers()).containsExactly(Tokens.ISSUER);
        }
    }

    @Test
    void authenticateWhenNoBearerCredentialsThenNull() throws Exception {
        try (Portcullis p = engine()) {
            assertThat(p.authenticate(List.of(), List.of())).isNull();
            assertThat(p.authenticate(List.of("Basic dXNlcjpwYXNz"), List.of())).isNull();
        }
    }

    @Test
    void authenticateWhenQueryTokenThenOnlyWithTheInsecureSwitch() throws Exception {
        String token = Tokens.signedWith(TestKeys.rsa()).sign();
        try (Portcullis strict = engine(); Portcullis lax = engine("portcullis.allow-insecure-query-parameter-tokens", "true")) {
            PortcullisException e = catchThrowableOfType(PortcullisException.class,
                    () -> strict.authenticate(List.of(), List.of(token)));
            assertThat(e.reason()).isEqualTo(Reason.INVALID_REQUEST);
            assertThat(lax.authenticate(List.of(), List.of(token)).subject()).isEqualTo(Tokens.SUBJECT);
        }
    }

    @Test
    void authenticateWhenTokenRefusedThenReasonPropagates() throws Exception {
        try (Portcullis p = engine()) {
            String forged = Tokens.signedWith(TestKeys.otherRsa()).kid(TestKeys.RSA_KID).sign();
            PortcullisException e = catchThrowableOfType(PortcullisException.class,
                    () -> p.authenticate(List.of("Bearer " + forged), List.of()));
            assertThat(e.reason()).isEqualTo(Reason.BAD_SIGNATURE);
        }
    }

    @Test
    void fromSettingsWhenInvalidThenConfigurationExceptionNamingTheSetting() {
        assertThatThrownBy(() -> Portcullis.fromSettings(Settings.of(Map.of("portcullis.issuer", "https://x.test"))))
                .isInstanceOf(ConfigurationException.class).hasMessageStartingWith("portcullis.audience: ");
        assertThatThrownBy(() -> Portcullis.builder().build()).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("validator");
    }
}
