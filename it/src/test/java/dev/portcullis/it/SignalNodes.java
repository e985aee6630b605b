package dev.portcullis.it;

import dev.portcullis.AccessRequest;
import dev.portcullis.Outcome;
import dev.portcullis.Portcullis;
import dev.portcullis.Requirement;
import dev.portcullis.config.Settings;

import org.jose4j.jwk.JsonWebKey;
import org.jose4j.jwk.JsonWebKeySet;
import org.jose4j.jwk.RsaJsonWebKey;
import org.jose4j.jwk.RsaJwkGenerator;
import org.jose4j.jws.AlgorithmIdentifiers;
import org.jose4j.jws.JsonWebSignature;
import org.jose4j.jwt.JwtClaims;
import org.jose4j.lang.JoseException;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * Two Portcullis engines ("nodes") sharing one real Terracotta server, each with the back-channel
 * logout endpoint on, trusting one issuer (an RSA key in a JWKS file) and reading principals from
 * a shared file store: what {@code ClusteredSignalsIT} checks and {@code SignalRevocationLatency}
 * measures. Requests go through {@link Portcullis#decide}, the call both adapters make.
 *
 * <p>Thread safety: not thread-safe.
 */
public final class SignalNodes implements AutoCloseable {
    public static final String ISSUER = "https://idp.signals.test";
    public static final String AUDIENCE = "api";
    public static final String CLIENT = "signals-client";
    public static final String LOGOUT_PATH = "/oidc/logout";

    private final TerracottaServer server;
    private final RsaJsonWebKey key;
    private final Path store;
    public final Portcullis a;
    public final Portcullis b;
    /** A third node on the same cluster without the receiver: the baseline of the per-request cost. */
    public final Portcullis plain;

    private SignalNodes(Path work, int principals) throws Exception {
        Files.createDirectories(work);
        server = new TerracottaServer(work.resolve("terracotta"), 128).start();
        try {
            key = RsaJwkGenerator.generateJwk(2048);
            key.setKeyId("k1");
            Path jwks = work.resolve("jwks.json");
            Files.writeString(jwks, new JsonWebKeySet(key).toJson(JsonWebKey.OutputControlLevel.PUBLIC_ONLY));
            store = work.resolve("principals.yaml");
            writeStore(principals, List.of());
            String entity = "signals-" + UUID.randomUUID();
            Map<String, String> s = new HashMap<>();
            s.put("portcullis.issuer", ISSUER);
            s.put("portcullis.audience", AUDIENCE);
            s.put("portcullis.jwks-file", jwks.toString());
            s.put("portcullis.attributes.source", "file");
            s.put("portcullis.attributes.file", store.toString());
            s.put("portcullis.attributes.file-check-interval", "0s");
            s.put("portcullis.attributes.cache.cluster-uri", server.uri(entity).toString());
            s.put("portcullis.backchannel-logout.path", LOGOUT_PATH);
            s.put("portcullis.backchannel-logout.audience", CLIENT);
            s.put("portcullis.signals.max-concurrent", "64");
            Map<String, String> withoutSignals = new HashMap<>(s);
            withoutSignals.remove("portcullis.backchannel-logout.path");
            withoutSignals.remove("portcullis.backchannel-logout.audience");
            a = Portcullis.fromSettings(Settings.of(s));
            b = Portcullis.fromSettings(Settings.of(s));
            plain = Portcullis.fromSettings(Settings.of(withoutSignals));
        } catch (Exception | Error e) {
            server.close();
            throw e;
        }
    }

    /** Starts the server and the two nodes; {@code principals} users {@code user-0...} are active. */
    public static SignalNodes start(Path work, int principals) throws Exception {
        return new SignalNodes(work, principals);
    }

    /** Rewrites the store: {@code user-0} to {@code user-(n-1)} and bob active, {@code disabled} disabled. */
    public void writeStore(int n, List<String> disabled) throws IOException {
        StringBuilder y = new StringBuilder("principals:\n");
        for (int i = 0; i < n; i++) {
            String sub = "user-" + i;
            y.append(principal(sub, disabled.contains(sub) ? "DISABLED" : "ACTIVE"));
        }
        y.append(principal("bob", "ACTIVE"));
        Files.writeString(store, y.toString(), StandardCharsets.UTF_8);
    }

    private static String principal(String sub, String status) {
        return "  - issuer: " + ISSUER + "\n    subject: " + sub + "\n    status: " + status + "\n    roles: [user]\n";
    }

    /** An access token for {@code subject}, issued {@code agoSeconds} ago. */
    public String accessToken(String subject, long agoSeconds) throws JoseException {
        JwtClaims c = claims(subject, AUDIENCE, agoSeconds);
        return sign(c, null);
    }

    /** A back-channel logout token for {@code subject}, as Keycloak sends it. */
    public String logoutToken(String subject) throws JoseException {
        JwtClaims c = claims(subject, CLIENT, 0);
        c.setClaim("events", Map.of("http://schemas.openid.net/event/backchannel-logout", Map.of()));
        c.setClaim("sid", UUID.randomUUID().toString());
        return sign(c, "logout+jwt");
    }

    private static JwtClaims claims(String subject, String audience, long agoSeconds) {
        JwtClaims c = new JwtClaims();
        c.setIssuer(ISSUER);
        c.setAudience(audience);
        c.setSubject(subject);
        c.setIssuedAt(org.jose4j.jwt.NumericDate.fromSeconds(org.jose4j.jwt.NumericDate.now().getValue() - agoSeconds));
        c.setExpirationTimeMinutesInTheFuture(10);
        c.setJwtId(UUID.randomUUID().toString());
        return c;
    }

    private String sign(JwtClaims c, String typ) throws JoseException {
        JsonWebSignature jws = new JsonWebSignature();
        jws.setPayload(c.toJson());
        jws.setKey(key.getPrivateKey());
        jws.setKeyIdHeaderValue(key.getKeyId());
        if (typ != null) {
            jws.setHeader("typ", typ);
        }
        jws.setAlgorithmHeaderValue(AlgorithmIdentifiers.RSA_USING_SHA256);
        return jws.getCompactSerialization();
    }

    /** A request with {@code token} to {@code node}: what the adapters ask for an authenticated endpoint. */
    public static Outcome request(Portcullis node, String token) {
        return node.decide(AccessRequest.builder("GET", "/api/x").authorization(List.of("Bearer " + token))
                .requirement(Requirement.authenticated()).build());
    }

    /** The provider's back-channel logout POST, received by {@code node}. */
    public static Outcome logout(Portcullis node, String logoutToken) {
        byte[] form = ("logout_token=" + URLEncoder.encode(logoutToken, StandardCharsets.UTF_8))
                .getBytes(StandardCharsets.US_ASCII);
        return node.decide(AccessRequest.builder("POST", LOGOUT_PATH).requirement(Requirement.backchannelLogout())
                .body("application/x-www-form-urlencoded", () -> new ByteArrayInputStream(form)).build());
    }

    @Override
    public void close() {
        try {
            a.close();
            b.close();
            plain.close();
        } finally {
            server.close();
        }
    }
}
