/**
 * Test support shared by every Portcullis test: {@link dev.portcullis.testing.TestKeys} (RSA, EC
 * and Ed25519 keys generated once per JVM), {@link dev.portcullis.testing.Tokens} (a fluent
 * builder for valid and deliberately broken compact JWS),
 * {@link dev.portcullis.testing.JwksServer} (a real JWKS and discovery endpoint that can fail,
 * hang or lie), {@link dev.portcullis.testing.FilterServer} (embedded Jetty with the filter
 * registered as a web application would) and {@link dev.portcullis.testing.MutableClock}.
 *
 * <pre>{@code
 * try (JwksServer idp = JwksServer.serving(TestKeys.rsa());
 *      FilterServer app = FilterServer.builder().trusting(idp).param("portcullis.public-paths", "/health").start()) {
 *     HttpResponse<String> r = app.getWithToken("/orders", Tokens.signedWith(TestKeys.rsa()).sign());
 *     assertThat(r.body()).contains("principal=alice");
 * }
 * }</pre>
 */
package dev.portcullis.testing;
