package dev.portcullis;

import dev.portcullis.config.ConfigurationException;
import dev.portcullis.config.Settings;
import dev.portcullis.testing.DpopProofs;
import dev.portcullis.testing.MutableClock;
import dev.portcullis.testing.TestCertificates;
import dev.portcullis.testing.TestKeys;
import dev.portcullis.testing.Tokens;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Sender-constrained tokens through {@link Portcullis#decide}: the attack table of RFC 9449 §4.3
 * and §7 (each attack refused with its reason and the RFC's challenge, each next to a positive
 * control), the per-issuer modes, server nonces, {@code htu} behind a proxy and under a context
 * path, and certificate-bound tokens (RFC 8705 §3). The same table through both adapters over
 * real HTTP is the jaxrs module's {@code DpopContractTest}.
 */
class DpopDecideTest {
    private static final String URL = "https://api.example.com/app/api/documents/1";
    private static final String ALGS = "algs=\"ES256 EdDSA PS256 RS256\"";

    @TempDir
    Path dir;
    private final MutableClock clock = MutableClock.now();
    private final List<Portcullis> engines = new ArrayList<>();
    private final DpopProofs client = DpopProofs.ec();

    @AfterEach
    void tearDown() {
        engines.forEach(Portcullis::close);
    }

    private Portcullis engine(String mode, String... extra) throws Exception {
        Path jwks = Files.writeString(dir.resolve("jwks.json"), TestKeys.jwks(TestKeys.rsa()));
        Map<String, String> m = new HashMap<>(Map.of(
                "portcullis.issuer", Tokens.ISSUER, "portcullis.audience", Tokens.AUDIENCE,
                "portcullis.jwks-file", jwks.toString(), "portcullis.dpop-mode", mode));
        for (int i = 0; i < extra.length; i += 2) {
            m.put(extra[i], extra[i + 1]);
        }
        Portcullis e = Portcullis.fromSettings(Settings.of(m), clock);
        engines.add(e);
        return e;
    }

    private String bound() {
        return Tokens.signedWith(TestKeys.rsa()).at(clock.instant()).claim("cnf", client.cnf()).sign();
    }

    private String unbound() {
        return Tokens.signedWith(TestKeys.rsa()).at(clock.instant()).sign();
    }

    private DpopProofs.Builder proof(String token) {
        return client.builder("GET", URL, token).iat(clock.instant());
    }

    private static Outcome dpop(Portcullis e, String token, String... proofs) {
        return e.decide(AccessRequest.builder("GET", "/api/documents/1").url(URL)
                .authorization(List.of("DPoP " + token)).dpop(List.of(proofs)).build());
    }

    private static Outcome bearer(Portcullis e, String token) {
        return e.decide(AccessRequest.builder("GET", "/api/documents/1").url(URL)
                .authorization(List.of("Bearer " + token)).build());
    }

    private static void assertRefused(Outcome o, Reason reason, String what) {
        assertThat(o.isRefused()).as(what + ": refused").isTrue();
        assertThat(o.reason()).as(what).isEqualTo(reason);
    }

    @Test
    void decideWhenAttackTableThenEachRefusedAndEachControlAdmitted() throws Exception {
        Portcullis e = engine("allowed");
        String token = bound();
        // positive control: the client's own correct proof
        assertThat(dpop(e, token, proof(token).sign()).isAdmitted()).as("correct proof").isTrue();

        String replayed = proof(token).sign();
        assertThat(dpop(e, token, replayed).isAdmitted()).as("first use").isTrue();
        assertRefused(dpop(e, token, replayed), Reason.INVALID_DPOP_PROOF, "replayed proof");

        assertRefused(dpop(e, token, client.builder("POST", URL, token).iat(clock.instant()).sign()),
                Reason.INVALID_DPOP_PROOF, "wrong htm");
        assertRefused(dpop(e, token, client.builder("GET", "https://api.example.com/app/api/documents/2", token)
                .iat(clock.instant()).sign()), Reason.INVALID_DPOP_PROOF, "wrong htu path");
        assertRefused(dpop(e, token, client.builder("GET", "https://evil.example.com/app/api/documents/1", token)
                .iat(clock.instant()).sign()), Reason.INVALID_DPOP_PROOF, "wrong htu host");
        assertRefused(dpop(e, token, client.builder("GET", "http://api.example.com/app/api/documents/1", token)
                .iat(clock.instant()).sign()), Reason.INVALID_DPOP_PROOF, "wrong htu scheme");

        assertRefused(dpop(e, token, proof(token).iat(clock.instant().minusSeconds(60 + 30 + 1)).sign()),
                Reason.INVALID_DPOP_PROOF, "stale iat");
        assertThat(dpop(e, token, proof(token).iat(clock.instant().minusSeconds(60 + 30)).sign()).isAdmitted())
                .as("control: oldest accepted iat").isTrue();
        assertRefused(dpop(e, token, proof(token).iat(clock.instant().plusSeconds(31)).sign()),
                Reason.INVALID_DPOP_PROOF, "future iat");
        assertThat(dpop(e, token, proof(token).iat(clock.instant().plusSeconds(30)).sign()).isAdmitted())
                .as("control: iat within the skew").isTrue();

        assertRefused(dpop(e, token, proof(token).claim("ath", null).sign()), Reason.INVALID_DPOP_PROOF,
                "missing ath");
        assertRefused(dpop(e, token, proof(token).claim("ath", DpopProofs.ath(token + "x")).sign()),
                Reason.INVALID_DPOP_PROOF, "wrong ath");
        String other = bound();
        assertRefused(dpop(e, token, proof(other).sign()), Reason.INVALID_DPOP_PROOF, "proof for another token");

        assertRefused(dpop(e, token, proof(token).hmac(TestKeys.randomSecret(32)).sign()),
                Reason.INVALID_DPOP_PROOF, "HMAC proof");
        assertRefused(dpop(e, token, proof(token).none().sign()), Reason.INVALID_DPOP_PROOF, "none proof");
        assertRefused(dpop(e, token, proof(token).withPrivateKeyInJwk().sign()), Reason.INVALID_DPOP_PROOF,
                "private key in jwk");
        assertRefused(dpop(e, token, proof(token).header("typ", "jwt").sign()), Reason.INVALID_DPOP_PROOF,
                "typ not dpop+jwt");
        assertRefused(dpop(e, token, proof(token).signedBy(TestKeys.newEc(null), "ES256").sign()),
                Reason.INVALID_DPOP_PROOF, "key not matching cnf.jkt");
        assertRefused(dpop(e, token, proof(token).sign(), proof(token).sign()), Reason.INVALID_DPOP_PROOF,
                "two DPoP headers");
        assertRefused(dpop(e, token), Reason.INVALID_DPOP_PROOF, "no DPoP header");
        assertRefused(dpop(e, token, "not.a.proof"), Reason.INVALID_DPOP_PROOF, "garbage proof");

        assertRefused(bearer(e, token), Reason.BOUND_TOKEN_AS_BEARER, "DPoP-bound token as Bearer");
        assertThat(bearer(e, unbound()).isAdmitted()).as("control: an unbound Bearer token, mode allowed").isTrue();
        String unbound = unbound();
        assertRefused(dpop(e, unbound, proof(unbound).sign()), Reason.UNBOUND_TOKEN, "DPoP scheme, token without cnf");
    }

    @Test
    void decideWhenProofRefusedThenDpopChallengeWithErrorAndAlgsAndBearerOffered() throws Exception {
        Portcullis e = engine("allowed");
        String token = bound();
        Refusal r = dpop(e, token, proof(token).claim("htm", "POST").sign()).refusal();

        assertThat(r.status()).isEqualTo(401);
        assertThat(r.headers().get("WWW-Authenticate")).isEqualTo("Bearer realm=\"portcullis\", DPoP realm=\"portcullis\","
                + " error=\"invalid_dpop_proof\", error_description=\"The DPoP proof is invalid\", " + ALGS);
        assertThat(r.body()).contains("\"reason\":\"invalid_dpop_proof\"")
                .contains("https://portcullis.dev/problems/invalid_dpop_proof").doesNotContain(token);
        assertThat(bearer(e, token).refusal().headers().get("WWW-Authenticate"))
                .as("a Bearer misuse: the error on the Bearer challenge")
                .isEqualTo("Bearer realm=\"portcullis\", error=\"invalid_token\", error_description=\"The access token"
                        + " is bound to a key and needs a DPoP proof\", DPoP realm=\"portcullis\", " + ALGS);
        assertThat(e.decide(AccessRequest.builder("GET", "/x").build()).refusal().headers().get("WWW-Authenticate"))
                .as("no token: both schemes offered, no error")
                .isEqualTo("Bearer realm=\"portcullis\", DPoP realm=\"portcullis\", " + ALGS);
        String expired = Tokens.signedWith(TestKeys.rsa()).at(clock.instant().minusSeconds(3600))
                .claim("cnf", client.cnf()).sign();
        assertThat(dpop(e, expired, proof(expired).sign()).refusal().headers().get("WWW-Authenticate"))
                .as("a bad token under the DPoP scheme: invalid_token on the DPoP challenge")
                .startsWith("Bearer realm=\"portcullis\", DPoP realm=\"portcullis\", error=\"invalid_token\"");
    }

    @Test
    void decideWhenDpopOffThenChallengeUnchangedAndDpopSchemeIsNoToken() throws Exception {
        Portcullis e = engine("off");
        String token = bound();
        Outcome o = dpop(e, token, proof(token).sign());

        assertRefused(o, Reason.MISSING_TOKEN, "DPoP scheme when no issuer uses DPoP");
        assertThat(o.refusal().headers().get("WWW-Authenticate")).isEqualTo("Bearer realm=\"portcullis\"");
        assertRefused(bearer(e, token), Reason.BOUND_TOKEN_AS_BEARER, "a bound token is never a bearer token");
        assertThat(bearer(e, unbound()).isAdmitted()).as("control").isTrue();
    }

    @Test
    void decideWhenRequiredThenBearerRefusedAndOnlyDpopOffered() throws Exception {
        Portcullis e = engine("required");
        Outcome o = bearer(e, unbound());

        assertRefused(o, Reason.DPOP_REQUIRED, "Bearer token of an issuer requiring DPoP");
        assertThat(e.decide(AccessRequest.builder("GET", "/x").build()).refusal().headers().get("WWW-Authenticate"))
                .isEqualTo("DPoP realm=\"portcullis\", " + ALGS);
        String token = bound();
        assertThat(dpop(e, token, proof(token).sign()).isAdmitted()).as("control").isTrue();
    }

    @Test
    void decideWhenNoncesOnThenUseDpopNonceWithFreshNonceAndThatNonceAccepted() throws Exception {
        Portcullis e = engine("required", "portcullis.dpop.nonce-secret", "0123456789abcdefghijklmnopqrstuvwxyz",
                "portcullis.dpop.nonce-lifetime", "1m");
        String token = bound();
        Outcome first = dpop(e, token, proof(token).sign());

        assertRefused(first, Reason.USE_DPOP_NONCE, "proof without nonce");
        String nonce = first.refusal().headers().get("DPoP-Nonce");
        assertThat(nonce).isNotBlank();
        assertThat(first.refusal().headers().get("WWW-Authenticate")).contains("DPoP realm=\"portcullis\", error=\"use_dpop_nonce\"");
        assertThat(dpop(e, token, proof(token).claim("nonce", nonce).sign()).isAdmitted()).as("with the nonce").isTrue();
        assertRefused(dpop(e, token, proof(token).claim("nonce", nonce.substring(1) + "A").sign()), Reason.USE_DPOP_NONCE,
                "forged nonce");
        clock.advance(Duration.ofMinutes(2));
        token = bound();
        assertRefused(dpop(e, token, proof(token).claim("nonce", nonce).sign()), Reason.USE_DPOP_NONCE,
                "nonce two windows old");
    }

    @Test
    void decideWhenBehindProxyThenHtuFromExternalUrlAndNormalised() throws Exception {
        Portcullis e = engine("allowed", "portcullis.dpop.external-url", "https://api.example.com/");
        String token = bound();
        String container = "http://10.0.0.7:8080/app/api/documents/1";
        AccessRequest.Builder request = AccessRequest.builder("GET", "/api/documents/1").url(container)
                .authorization(List.of("DPoP " + token));

        assertThat(e.decide(request.dpop(List.of(proof(token).sign())).build()).isAdmitted())
                .as("htu is the external URL, under the context path /app").isTrue();
        assertThat(e.decide(request.dpop(List.of(client.builder("GET",
                "HTTPS://API.example.com:443/app/./api/%64ocuments/1?page=2#top", token).iat(clock.instant()).sign()))
                .build()).isAdmitted()).as("htu after RFC 3986 normalisation, query and fragment ignored").isTrue();
        assertRefused(e.decide(request.dpop(List.of(client.builder("GET", container, token).iat(clock.instant())
                .sign())).build()), Reason.INVALID_DPOP_PROOF, "the internal URL the proxy forwarded to");
        assertRefused(e.decide(request.dpop(List.of(client.builder("GET", "https://api.example.com/api/documents/1",
                token).iat(clock.instant()).sign())).build()), Reason.INVALID_DPOP_PROOF, "without the context path");
    }

    @Test
    void decideWhenCertificateBoundThenOnlyWithThatClientCertificate() throws Exception {
        Portcullis e = engine("off");
        TestCertificates.Issued mine = TestCertificates.selfSigned("client-a");
        TestCertificates.Issued theirs = TestCertificates.selfSigned("client-b");
        String token = Tokens.signedWith(TestKeys.rsa()).at(clock.instant())
                .claim("cnf", Map.of("x5t#S256", mine.x5tS256())).sign();
        AccessRequest.Builder request = AccessRequest.builder("GET", "/x").authorization(List.of("Bearer " + token));

        assertThat(e.decide(request.clientCertificate(mine.certificate).build()).isAdmitted()).as("control").isTrue();
        assertRefused(e.decide(request.clientCertificate(theirs.certificate).build()), Reason.CERTIFICATE_MISMATCH,
                "another client's certificate");
        assertRefused(e.decide(request.clientCertificate(null).build()), Reason.CERTIFICATE_MISMATCH,
                "no client certificate");
        assertThat(e.decide(request.clientCertificate(null).build()).refusal().headers().get("WWW-Authenticate"))
                .startsWith("Bearer realm=\"portcullis\", error=\"invalid_token\"");
    }

    @Test
    void decideWhenProofOversizedOrSymmetricKeyThenRefused() throws Exception {
        Portcullis e = engine("allowed");
        String token = bound();
        String padded = proof(token).claim("pad", "x".repeat(8200)).sign();

        assertRefused(dpop(e, token, padded), Reason.INVALID_DPOP_PROOF, "proof over 8192 characters");
        assertRefused(dpop(e, token, proof(token).header("jwk", java.util.Map.of("kty", "oct", "k",
                "c2VjcmV0LXNlY3JldC1zZWNyZXQtc2VjcmV0LXNlY3JldA")).sign()), Reason.INVALID_DPOP_PROOF,
                "symmetric jwk with an asymmetric alg");
        assertThat(dpop(e, token, proof(token).claim("pad", "x".repeat(100)).sign()).isAdmitted())
                .as("control: an extra claim is fine").isTrue();
    }

    @Test
    void decideWhenSeveralIssuersThenEachItsOwnMode() throws Exception {
        String other = "https://other.example.com";
        Path jwks = Files.writeString(dir.resolve("jwks.json"), TestKeys.jwks(TestKeys.rsa()));
        Portcullis e = engine("required", "portcullis.issuers", "other", "portcullis.issuers.other.issuer", other,
                "portcullis.issuers.other.audience", Tokens.AUDIENCE,
                "portcullis.issuers.other.jwks-file", jwks.toString(),
                "portcullis.issuers.other.dpop-mode", "off");
        String otherUnbound = Tokens.signedWith(TestKeys.rsa()).issuer(other).at(clock.instant()).sign();
        String otherBound = Tokens.signedWith(TestKeys.rsa()).issuer(other).at(clock.instant())
                .claim("cnf", client.cnf()).sign();

        assertRefused(bearer(e, unbound()), Reason.DPOP_REQUIRED, "primary issuer requires DPoP");
        assertThat(bearer(e, otherUnbound).isAdmitted()).as("the other issuer's Bearer token (mode off)").isTrue();
        assertRefused(dpop(e, otherBound, proof(otherBound).sign()), Reason.UNBOUND_TOKEN,
                "DPoP for an issuer with DPoP off");
        assertRefused(bearer(e, otherBound), Reason.BOUND_TOKEN_AS_BEARER, "its bound token as Bearer");
        assertThat(e.decide(AccessRequest.builder("GET", "/x").build()).refusal().headers().get("WWW-Authenticate"))
                .as("Bearer still offered: one issuer takes it").isEqualTo("Bearer realm=\"portcullis\", DPoP realm=\"portcullis\", " + ALGS);
    }

    @Test
    void decideWhenNonceFromAnotherNodeWithTheSameSecretThenAccepted() throws Exception {
        String secret = "0123456789abcdefghijklmnopqrstuvwxyz";
        Portcullis a = engine("required", "portcullis.dpop.nonce-secret", secret);
        Portcullis b = engine("required", "portcullis.dpop.nonce-secret", secret);
        Portcullis c = engine("required", "portcullis.dpop.nonce-secret", secret + "-other");
        String token = bound();
        String nonce = dpop(a, token, proof(token).sign()).refusal().headers().get("DPoP-Nonce");

        assertThat(dpop(b, token, proof(token).claim("nonce", nonce).sign()).isAdmitted()).as("node B").isTrue();
        assertRefused(dpop(c, token, proof(token).claim("nonce", nonce).sign()), Reason.USE_DPOP_NONCE,
                "a node with another secret");
    }

    @Test
    void fromSettingsWhenBadDpopSettingThenConfigurationExceptionNamingIt() {
        assertThatThrownBy(() -> engine("sometimes")).isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("portcullis.dpop-mode");
        assertThatThrownBy(() -> engine("allowed", "portcullis.dpop.algorithms", "HS256"))
                .isInstanceOf(ConfigurationException.class).hasMessageContaining("portcullis.dpop.algorithms");
        assertThatThrownBy(() -> engine("allowed", "portcullis.dpop.algorithms", "none"))
                .isInstanceOf(ConfigurationException.class).hasMessageContaining("portcullis.dpop.algorithms");
        assertThatThrownBy(() -> engine("allowed", "portcullis.dpop.nonce-secret", "short"))
                .isInstanceOf(ConfigurationException.class).hasMessageContaining("portcullis.dpop.nonce-secret");
        assertThatThrownBy(() -> engine("allowed", "portcullis.dpop.external-url", "ftp://x"))
                .isInstanceOf(ConfigurationException.class).hasMessageContaining("portcullis.dpop.external-url");
        assertThatThrownBy(() -> engine("allowed", "portcullis.dpop.max-age", "1h"))
                .isInstanceOf(ConfigurationException.class).hasMessageContaining("portcullis.dpop.max-age");
    }
}
