package dev.portcullis.token.internal;

import dev.portcullis.PortcullisException;
import dev.portcullis.Reason;
import dev.portcullis.testing.TestKeys;
import dev.portcullis.testing.Tokens;

import dev.portcullis.token.VerifiedToken;
import org.jose4j.jwk.JsonWebKey;
import org.jose4j.jwk.PublicJsonWebKey;
import org.jose4j.lang.JoseException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

/**
 * Unit level of the JWK {@code alg}/{@code use}/{@code key_ops} rules in {@link SignatureVerifier}
 * (the HTTP level is {@code KeyAlgorithmPinAttackTest}), the signature-only entry point, and key
 * rotation seeing a re-pinned key as changed.
 */
class KeyAlgorithmPinTest {
    @TempDir
    Path dir;

    private static PublicJsonWebKey copy(PublicJsonWebKey key, String kid, String alg) throws JoseException {
        PublicJsonWebKey c = PublicJsonWebKey.Factory.newPublicJwk(key.toJson(JsonWebKey.OutputControlLevel.INCLUDE_PRIVATE));
        c.setKeyId(kid);
        c.setAlgorithm(alg);
        return c;
    }

    private TokenValidator validator(PublicJsonWebKey... keys) throws Exception {
        Path file = Files.writeString(dir.resolve("jwks-" + System.nanoTime() + ".json"), TestKeys.jwks(keys));
        return TokenValidator.builder().issuer(IssuerConfig.builder(Tokens.ISSUER).audiences(Tokens.AUDIENCE)
                .jwksFile(file).build()).build();
    }

    @Test
    void validateWhenTokenWithoutKidAndOnlyCopyPinnedElsewhereThenDisallowedAndUnpinnedCopyVerifies() throws Exception {
        String rs256 = Tokens.signedWith(TestKeys.rsa()).noKid().sign();
        PortcullisException e = catchThrowableOfType(() -> validator(copy(TestKeys.rsa(), "a", "PS256")).validate(rs256),
                PortcullisException.class);
        assertThat(e.reason()).isEqualTo(Reason.DISALLOWED_ALGORITHM);
        assertThat(e.getMessage()).isEqualTo("key a of https://issuer.test is published for PS256, not for the token's RS256");
        VerifiedToken ok = validator(copy(TestKeys.rsa(), "a", "PS256"), copy(TestKeys.rsa(), "b", null)).validate(rs256);
        assertThat(ok.subject()).isEqualTo(Tokens.SUBJECT);
    }

    @Test
    void verifySignatureWhenExpiredTokenThenStillVerifiedNamingTheKey() throws Exception {
        String expired = Tokens.signedWith(TestKeys.rsa()).kid("b").alg("PS256")
                .at(java.time.Instant.parse("2001-01-01T00:00:00Z")).sign();
        TokenValidator v = validator(copy(TestKeys.rsa(), "a", "RS256"), copy(TestKeys.rsa(), "b", "PS256"));
        assertThat(v.verifySignature(expired)).isEqualTo(new VerifiedSignature("PS256", "b", "RSA", "PS256"));
        assertThat(catchThrowableOfType(() -> v.validate(expired), PortcullisException.class).reason())
                .isEqualTo(Reason.EXPIRED);
    }

    @Test
    void allowsVerificationWhenUseOrKeyOpsSayOtherwiseThenFalse() throws Exception {
        PublicJsonWebKey k = copy(TestKeys.ec(), "e", null);
        assertThat(SignatureVerifier.allowsVerification(k)).isTrue();
        k.setUse("enc");
        assertThat(SignatureVerifier.allowsVerification(k)).isFalse();
        k.setUse("sig");
        k.setKeyOps(List.of("sign"));
        assertThat(SignatureVerifier.allowsVerification(k)).isFalse();
        k.setKeyOps(List.of("sign", "verify"));
        assertThat(SignatureVerifier.allowsVerification(k)).isTrue();
    }

    @Test
    void removedOrChangedWhenKidRepinnedOrRekeyedThenReportedAndUnchangedNot() throws Exception {
        List<JsonWebKey> before = List.of(copy(TestKeys.rsa(), "same", null), copy(TestKeys.rsa(), "pin", null),
                copy(TestKeys.rsa(), "rekey", null), copy(TestKeys.rsa(), "gone", null));
        List<JsonWebKey> after = List.of(copy(TestKeys.rsa(), "same", null), copy(TestKeys.rsa(), "pin", "PS256"),
                copy(TestKeys.otherRsa(), "rekey", null), copy(TestKeys.rsa(), "new", null));
        assertThat(RemoteJwks.removedOrChanged(before, after)).containsExactlyInAnyOrder("pin", "rekey", "gone");
    }
}
