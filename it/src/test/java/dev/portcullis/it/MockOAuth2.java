package dev.portcullis.it;

import no.nav.security.mock.oauth2.MockOAuth2Server;
import no.nav.security.mock.oauth2.token.DefaultOAuth2TokenCallback;

import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.util.List;
import java.util.Map;

/**
 * An external OpenID Connect issuer for the tests: {@code no.nav.security:mock-oauth2-server} in
 * the test JVM, serving its own discovery document and JWKS over HTTP on a loopback port, and
 * minting RS256 tokens with exactly the claims a test asks for.
 *
 * <pre>{@code
 * try (MockOAuth2 idp = MockOAuth2.start("mock")) {
 *     settings.extraIssuer("mock", idp.issuer(), "portcullis-demo", idp.discoveryUri().toString());
 *     String token = idp.token("user-1", "portcullis-demo", Map.of());
 * }
 * }</pre>
 *
 * <p>Thread safety: thread-safe (the underlying server is).
 */
public final class MockOAuth2 implements AutoCloseable {
    private final MockOAuth2Server server;
    private final String issuerId;

    private MockOAuth2(MockOAuth2Server server, String issuerId) {
        this.server = server;
        this.issuerId = issuerId;
    }

    /** Starts the server on a free port of 127.0.0.1; tokens are issued under {@code /<issuerId>}. */
    public static MockOAuth2 start(String issuerId) {
        MockOAuth2Server server = new MockOAuth2Server();
        try {
            server.start(InetAddress.getByName("127.0.0.1"), FreePorts.next());
        } catch (UnknownHostException e) {
            throw new IllegalStateException(e);
        }
        return new MockOAuth2(server, issuerId);
    }

    /** The {@code iss} of its tokens, e.g. {@code http://127.0.0.1:41234/mock}. */
    public String issuer() {
        return server.issuerUrl(issuerId).toString();
    }

    /** Its OpenID discovery document. */
    public URI discoveryUri() {
        return URI.create(server.wellKnownUrl(issuerId).toString());
    }

    public URI jwksUri() {
        return URI.create(server.jwksUrl(issuerId).toString());
    }

    /**
     * A signed token (RS256, {@code typ: JWT}) for {@code subject} and {@code audience}, valid for
     * an hour, with the registered claims the server always sets plus {@code extraClaims}.
     */
    public String token(String subject, String audience, Map<String, Object> extraClaims) {
        return server.issueToken(issuerId, "it-client",
                new DefaultOAuth2TokenCallback(issuerId, subject, "JWT", List.of(audience), extraClaims, 3600))
                .serialize();
    }

    @Override
    public void close() {
        server.shutdown();
    }
}
