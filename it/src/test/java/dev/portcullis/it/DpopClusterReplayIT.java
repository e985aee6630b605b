package dev.portcullis.it;

import dev.portcullis.testing.DpopProofs;

import dev.portcullis.AccessRequest;
import dev.portcullis.Outcome;
import dev.portcullis.Portcullis;
import dev.portcullis.Reason;
import dev.portcullis.config.Settings;

import org.jose4j.jwk.JsonWebKey;
import org.jose4j.jwk.JsonWebKeySet;
import org.jose4j.jwk.RsaJsonWebKey;
import org.jose4j.jwk.RsaJwkGenerator;
import org.jose4j.jws.AlgorithmIdentifiers;
import org.jose4j.jws.JsonWebSignature;
import org.jose4j.jwt.JwtClaims;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Two Portcullis engines ("nodes", as in {@code ClusteredAttributeCacheIT}) sharing one real
 * Terracotta server through {@code portcullis.attributes.cache.cluster-uri}: a DPoP proof accepted
 * by one node is refused as a replay by the other, and a fresh proof is accepted by both (positive
 * control); with the server gone, a proof is refused with 503 {@code replay_check_unavailable}
 * rather than accepted unchecked.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class DpopClusterReplayIT {
    private static final String ISSUER = "https://idp.it/dpop";
    private static final String URL = "https://api.example.com/api/documents/1";

    private static TerracottaServer server;
    private static Path work;
    private static RsaJsonWebKey issuerKey;

    @BeforeAll
    static void start() throws Exception {
        work = Path.of(System.getProperty("it.work.dir", "target/it-work"), "terracotta-dpop");
        Files.createDirectories(work);
        server = new TerracottaServer(work, 128).start();
        issuerKey = RsaJwkGenerator.generateJwk(2048);
        issuerKey.setKeyId("k1");
        Files.writeString(work.resolve("jwks.json"), new JsonWebKeySet(issuerKey)
                .toJson(JsonWebKey.OutputControlLevel.PUBLIC_ONLY));
        Files.writeString(work.resolve("principals.yaml"), "principals:\n  - {issuer: '" + ISSUER
                + "', subject: alice, status: ACTIVE, roles: [user]}\n");
    }

    @AfterAll
    static void stop() throws Exception {
        if (server != null) {
            server.close();
        }
    }

    private static Portcullis node(String entity) {
        Map<String, String> s = new HashMap<>();
        s.put("portcullis.issuer", ISSUER);
        s.put("portcullis.audience", "api");
        s.put("portcullis.jwks-file", work.resolve("jwks.json").toString());
        s.put("portcullis.dpop-mode", "required");
        s.put("portcullis.attributes.source", "file");
        s.put("portcullis.attributes.file", work.resolve("principals.yaml").toString());
        s.put("portcullis.attributes.cache.cluster-uri", server.uri(entity).toString());
        s.put("portcullis.attributes.cache.cluster-mb", "2");
        // generous: on a loaded machine a 500 ms round trip timed out, and the replay check then
        // (rightly) answered 503 replay_check_unavailable instead of finding the replay
        s.put("portcullis.attributes.cache.cluster-timeout", "5s");
        return Portcullis.fromSettings(Settings.of(s));
    }

    private static String token(DpopProofs client) throws Exception {
        JwtClaims claims = new JwtClaims();
        claims.setIssuer(ISSUER);
        claims.setAudience("api");
        claims.setSubject("alice");
        claims.setIssuedAtToNow();
        claims.setExpirationTimeMinutesInTheFuture(5);
        claims.setClaim("cnf", client.cnf());
        JsonWebSignature jws = new JsonWebSignature();
        jws.setPayload(claims.toJson());
        jws.setKey(issuerKey.getPrivateKey());
        jws.setKeyIdHeaderValue("k1");
        jws.setAlgorithmHeaderValue(AlgorithmIdentifiers.RSA_USING_SHA256);
        return jws.getCompactSerialization();
    }

    private static Outcome send(Portcullis node, String token, String proof) {
        return node.decide(AccessRequest.builder("GET", "/api/documents/1").url(URL)
                .authorization(List.of("DPoP " + token)).dpop(List.of(proof)).build());
    }

    @Test
    @Order(1)
    void decideWhenProofReplayedOnAnotherNodeThenRefused() throws Exception {
        String entity = "dpop-it-" + UUID.randomUUID();
        try (Portcullis a = node(entity); Portcullis b = node(entity)) {
            DpopProofs client = DpopProofs.ec();
            String token = token(client);
            String proof = client.proof("GET", URL, token);

            assertThat(send(a, token, proof).isAdmitted()).as("first use, node A").isTrue();
            Outcome replay = send(b, token, proof);
            assertThat(replay.reason()).as("the same proof on node B").isEqualTo(Reason.INVALID_DPOP_PROOF);
            assertThat(send(a, token, proof).reason()).as("and again on node A").isEqualTo(Reason.INVALID_DPOP_PROOF);
            assertThat(send(b, token, client.proof("GET", URL, token)).isAdmitted())
                    .as("positive control: a fresh proof on node B").isTrue();
        }
    }

    @Test
    @Order(2)
    void decideWhenNodesUseAnotherEntityThenNotShared() throws Exception {
        // the control for the test above: what makes B refuse is the shared cluster entity
        try (Portcullis a = node("dpop-it-" + UUID.randomUUID()); Portcullis b = node("dpop-it-" + UUID.randomUUID())) {
            DpopProofs client = DpopProofs.ec();
            String token = token(client);
            String proof = client.proof("GET", URL, token);

            assertThat(send(a, token, proof).isAdmitted()).isTrue();
            assertThat(send(b, token, proof).isAdmitted()).as("separate clusters know nothing of each other").isTrue();
        }
    }

    @Test
    @Order(3)
    void decideWhenClusterGoneThenReplayCheckUnavailableNotAccepted() throws Exception {
        String entity = "dpop-it-" + UUID.randomUUID();
        Portcullis a = node(entity);
        try {
            DpopProofs client = DpopProofs.ec();
            String token = token(client);
            assertThat(send(a, token, client.proof("GET", URL, token)).isAdmitted()).as("control").isTrue();
            server.kill();
            Outcome outage = send(a, token, client.proof("GET", URL, token));
            assertThat(outage.reason()).isEqualTo(Reason.REPLAY_CHECK_UNAVAILABLE);
            assertThat(outage.refusal().status()).isEqualTo(503);
            assertThat(outage.refusal().headers()).containsKey("Retry-After");
        } finally {
            // an engine closed while its cluster is gone does not hang (Ehcache alone waits about
            // 150 s for the server before it releases a clustered tier): each cache waits at most 10 s
            long start = System.nanoTime();
            a.close();
            long seconds = java.util.concurrent.TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - start);
            assertThat(seconds).as("close with the cluster gone, seconds").isLessThan(60);
        }
    }
}
