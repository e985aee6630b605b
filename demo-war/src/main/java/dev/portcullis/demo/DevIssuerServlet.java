package dev.portcullis.demo;

import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import org.jose4j.json.JsonUtil;
import org.jose4j.jwk.JsonWebKeySet;
import org.jose4j.jwk.RsaJsonWebKey;
import org.jose4j.jwk.RsaJwkGenerator;
import org.jose4j.jws.AlgorithmIdentifiers;
import org.jose4j.jws.JsonWebSignature;
import org.jose4j.jwk.JsonWebKey;
import org.jose4j.jwt.JwtClaims;
import org.jose4j.lang.JoseException;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Pattern;

/**
 * A development token issuer for the demo only: {@code GET /dev/jwks.json} serves its public key,
 * {@code POST /dev/token?sub=alice[&ttl=seconds]} mints a short-lived RS256 identity-only token
 * (iss, sub, aud, iat, exp, jti — no roles, no personal data).
 *
 * <p>It answers only when {@code portcullis.demo.dev-issuer} is true (context-param, system
 * property or {@code PORTCULLIS_DEMO_DEV_ISSUER}); it is part of this demo WAR, never of the
 * library. The key is generated at startup and lives only in memory.
 */
public final class DevIssuerServlet extends HttpServlet {
    private static final long serialVersionUID = 1L;
    /** The {@code iss} of dev tokens. */
    public static final String ISSUER = "urn:portcullis:demo:dev-issuer";
    /** The {@code aud} of dev tokens. */
    public static final String AUDIENCE = "portcullis-demo";
    private static final Pattern SUBJECT = Pattern.compile("[A-Za-z0-9._@-]{1,64}");
    private static final int DEFAULT_TTL = 300;
    private static final int MAX_TTL = 3600;

    private transient RsaJsonWebKey key;
    private boolean enabled;

    @Override
    public void init() throws ServletException {
        enabled = DemoSettings.flag(getServletContext(), "portcullis.demo.dev-issuer", true);
        if (!enabled) {
            log("development token issuer is off");
            return;
        }
        try {
            key = RsaJwkGenerator.generateJwk(2048);
        } catch (JoseException e) {
            throw new ServletException("cannot generate the dev issuer key", e);
        }
        key.setKeyId("dev-" + UUID.randomUUID().toString().substring(0, 8));
        key.setAlgorithm(AlgorithmIdentifiers.RSA_USING_SHA256);
        key.setUse("sig");
        log("development token issuer is ON (portcullis.demo.dev-issuer=true): never use it in production");
    }

    @Override
    protected void doGet(HttpServletRequest req, HttpServletResponse resp) throws IOException {
        if (!enabled) {
            resp.sendError(404);
            return;
        }
        if (!"/jwks.json".equals(req.getPathInfo())) {
            resp.sendError(404);
            return;
        }
        String jwks = new JsonWebKeySet(key).toJson(JsonWebKey.OutputControlLevel.PUBLIC_ONLY);
        resp.setContentType("application/jwk-set+json");
        resp.setHeader("Cache-Control", "max-age=300");
        resp.getOutputStream().write(jwks.getBytes(StandardCharsets.UTF_8));
    }

    @Override
    protected void doPost(HttpServletRequest req, HttpServletResponse resp) throws IOException {
        if (!enabled || !"/token".equals(req.getPathInfo())) {
            resp.sendError(404);
            return;
        }
        String sub = req.getParameter("sub");
        if (sub == null || !SUBJECT.matcher(sub).matches()) {
            json(resp, 400, Map.of("error", "invalid_request", "error_description", "sub must match [A-Za-z0-9._@-]{1,64}"));
            return;
        }
        int ttl = DEFAULT_TTL;
        String ttlParam = req.getParameter("ttl");
        if (ttlParam != null) {
            try {
                ttl = Integer.parseInt(ttlParam);
            } catch (NumberFormatException e) {
                ttl = -1;
            }
            if (ttl < 1 || ttl > MAX_TTL) {
                json(resp, 400, Map.of("error", "invalid_request", "error_description", "ttl must be 1.." + MAX_TTL));
                return;
            }
        }
        JwtClaims claims = new JwtClaims();
        claims.setIssuer(ISSUER);
        claims.setSubject(sub);
        claims.setAudience(AUDIENCE);
        claims.setIssuedAtToNow();
        claims.setExpirationTimeMinutesInTheFuture(ttl / 60f);
        claims.setGeneratedJwtId();
        JsonWebSignature jws = new JsonWebSignature();
        jws.setPayload(claims.toJson());
        jws.setKey(key.getPrivateKey());
        jws.setKeyIdHeaderValue(key.getKeyId());
        jws.setAlgorithmHeaderValue(AlgorithmIdentifiers.RSA_USING_SHA256);
        jws.setHeader("typ", "JWT");
        String token;
        try {
            token = jws.getCompactSerialization();
        } catch (JoseException e) {
            json(resp, 500, Map.of("error", "server_error"));
            return;
        }
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("access_token", token);
        body.put("token_type", "Bearer");
        body.put("expires_in", ttl);
        json(resp, 200, body);
    }

    private static void json(HttpServletResponse resp, int status, Map<String, ?> body) throws IOException {
        resp.setStatus(status);
        resp.setContentType("application/json");
        resp.setHeader("Cache-Control", "no-store");
        resp.getOutputStream().write((JsonUtil.toJson(body) + "\n").getBytes(StandardCharsets.UTF_8));
    }
}
