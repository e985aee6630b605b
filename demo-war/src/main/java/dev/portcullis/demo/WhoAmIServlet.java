package dev.portcullis.demo;

import dev.portcullis.Portcullis;
import dev.portcullis.token.VerifiedToken;

import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import org.jose4j.json.JsonUtil;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

/** {@code GET /app/whoami}: a plain legacy servlet that only needs an authenticated caller. */
public final class WhoAmIServlet extends HttpServlet {
    private static final long serialVersionUID = 1L;

    @Override
    protected void doGet(HttpServletRequest req, HttpServletResponse resp) throws IOException {
        VerifiedToken token = (VerifiedToken) req.getAttribute(Portcullis.IDENTITY_ATTRIBUTE);
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("subject", req.getRemoteUser());
        body.put("issuer", token == null ? null : token.issuer());
        body.put("authType", req.getAuthType());
        body.put("admin", req.isUserInRole("admin"));
        resp.setContentType("application/json");
        resp.getOutputStream().write((JsonUtil.toJson(body) + "\n").getBytes(StandardCharsets.UTF_8));
    }
}
