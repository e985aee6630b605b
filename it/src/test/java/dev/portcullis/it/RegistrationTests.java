package dev.portcullis.it;

import org.jose4j.jwk.JsonWebKeySet;
import org.jose4j.jwk.RsaJsonWebKey;
import org.jose4j.jwk.RsaJwkGenerator;
import org.jose4j.jws.AlgorithmIdentifiers;
import org.jose4j.jws.JsonWebSignature;
import org.jose4j.jwt.JwtClaims;
import org.jose4j.lang.JoseException;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The three ways of registering Portcullis, each as its own WAR from {@code it/registration-wars},
 * deployed on a real server: {@code webxml} (a web.xml block), {@code annotation} (one
 * {@code @WebFilter} subclass, no web.xml), {@code properties} (only
 * {@code WEB-INF/portcullis.properties}, picked up by {@code PortcullisInitializer}). Each must
 * answer 401 without a token and 200 with a good one, and the filter must run exactly once per
 * request: one Portcullis request wrapper, one Portcullis filter registration, one pass of the
 * application's later filter, which sees the principal; the initializer logs exactly one line.
 * Then three WARs that carry only {@code portcullis.properties} behind a web.xml that is
 * metadata-complete or has an absolute ordering, to record what the servers really do.
 *
 * <p>Keys: an RSA key made here; the servers read its public JWKS from the file named by
 * {@code PORTCULLIS_JWKS_FILE}.
 */
abstract class RegistrationTests {
    static final String ISSUER = "urn:portcullis:it:registration";
    static final String AUDIENCE = "registration-it";

    private static RsaJsonWebKey key;
    private static Path jwksFile;

    /** Deploys the WAR at the root context and returns once {@code /health} answers 200. */
    abstract WebServer deploy(String name, Path war, int port, Map<String, String> environment);

    /** A short name of the server, for directories and logs. */
    abstract String serverName();

    /** Whether the server compiles the WAR's JSP. */
    abstract boolean servesJsp();

    /** What the server does with a properties-only WAR whose web.xml is {@code metadata-complete}. */
    abstract boolean runsInitializerWhenMetadataComplete();

    @BeforeAll
    static void keys() throws JoseException, IOException {
        if (key == null) {
            key = RsaJwkGenerator.generateJwk(2048);
            key.setKeyId("registration-1");
            jwksFile = ItPaths.freshDirectory("registration-keys").resolve("jwks.json");
            Files.writeString(jwksFile, new JsonWebKeySet(key).toJson(), StandardCharsets.UTF_8);
        }
    }

    static Path jwksFile() {
        return jwksFile;
    }

    static String token(String subject) {
        try {
            JwtClaims claims = new JwtClaims();
            claims.setIssuer(ISSUER);
            claims.setAudience(AUDIENCE);
            claims.setSubject(subject);
            claims.setIssuedAtToNow();
            claims.setExpirationTimeMinutesInTheFuture(5);
            claims.setGeneratedJwtId();
            JsonWebSignature jws = new JsonWebSignature();
            jws.setPayload(claims.toJson());
            jws.setKey(key.getPrivateKey());
            jws.setKeyIdHeaderValue(key.getKeyId());
            jws.setAlgorithmHeaderValue(AlgorithmIdentifiers.RSA_USING_SHA256);
            return jws.getCompactSerialization();
        } catch (JoseException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Where this class's registration WARs are: the Jakarta ones; the javax servers' classes give the javax ones. */
    Path warsDirectory() {
        return Path.of(System.getProperty("it.registration.wars", ItPaths.target().resolve("wars").toString()));
    }

    /** The Jakarta registration WAR of this variant. */
    static Path war(String variant) {
        return war(Path.of(System.getProperty("it.registration.wars", ItPaths.target().resolve("wars").toString())),
                variant);
    }

    static Path war(Path dir, String variant) {
        Path war = dir.resolve("registration-" + variant + ".war");
        assertThat(war).as("the registration WARs (mvn install -DskipTests at the root, then mvn -pl it verify)")
                .exists();
        return war;
    }

    private WebServer start(String variant) {
        return deploy(serverName() + "-registration-" + variant, war(warsDirectory(), variant), FreePorts.next(),
                Map.of("PORTCULLIS_JWKS_FILE", jwksFile.toString()));
    }

    /** The report servlet's {@code name=value} lines. */
    static Map<String, String> report(Http.Response r) {
        return r.body().lines().filter(l -> l.contains("="))
                .collect(Collectors.toMap(l -> l.substring(0, l.indexOf('=')), l -> l.substring(l.indexOf('=') + 1)));
    }

    /** The lines of the server's own output (where the WAR's slf4j-simple writes) that contain {@code text}. */
    static List<String> logLines(WebServer server, String text) {
        try {
            return Files.readAllLines(server.logs().get(0), StandardCharsets.UTF_8).stream()
                    .filter(l -> l.contains(text)).collect(Collectors.toList());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"webxml", "annotation", "properties"})
    void registrationWhenDeployedThenGuardsOncePerRequest(String variant) {
        try (WebServer server = start(variant)) {
            Http http = new Http(server.baseUri());
            String context = server.name() + "\n" + server.logTail(80);

            Http.Response anonymous = http.send("GET", "/report", null);
            assertThat(anonymous.status()).as(context).isEqualTo(401);
            assertThat(anonymous.header("WWW-Authenticate")).hasValueSatisfying(v -> assertThat(v).startsWith("Bearer"));
            assertThat(http.send("GET", "/health", null).status()).isEqualTo(200);
            assertThat(http.send("GET", "/report", token("alice") + "x").status()).isEqualTo(401);

            Http.Response ok = http.send("GET", "/report", token("alice"));
            assertThat(ok.status()).as(ok.body() + context).isEqualTo(200);
            Map<String, String> report = report(ok);
            assertThat(report).as(ok.body())
                    .containsEntry("principal", "alice")
                    .containsEntry("portcullis-passes", "1")
                    .containsEntry("probe-principal", "alice")
                    .containsEntry("probe-passes", "1");
            assertThat(report.get("portcullis-filters")).as(ok.body()).matches("\\{[^,]+=[^,]+\\}");

            List<String> initializer = logLines(server, "Portcullis initializer:");
            assertThat(initializer).as(context).hasSize(1);
            assertThat(initializer.get(0)).contains(variant.equals("properties") ? "registered filter 'portcullis'"
                    : "already declares");

            if (servesJsp()) {
                Http.Response jsp = http.send("GET", "/whoami.jsp", token("alice"));
                assertThat(jsp.status()).as(jsp.body() + context).isEqualTo(200);
                assertThat(jsp.body()).contains("principal=alice").contains("remote-user=alice");
                assertThat(http.send("GET", "/whoami.jsp", null).status()).isEqualTo(401);
            }

            // JAX-RS: PortcullisFeature found by Jersey's scanning (@Provider), Application returns no classes
            Http.Response whoami = http.send("GET", "/api/whoami", token("alice"));
            assertThat(whoami.status()).as(whoami.body() + context).isEqualTo(200);
            assertThat(whoami.body()).contains("principal=alice").contains("scheme=Bearer");
            Http.Response denied = http.send("GET", "/api/denied", token("alice"));
            assertThat(denied.status()).as("@DenyAll enforced: the feature was discovered\n" + denied.body())
                    .isEqualTo(403);
            Http.Response optOut = http.send("GET", "/api-optout/denied", token("alice"));
            assertThat(optOut.status()).as("portcullis.jaxrs.auto-register=false\n" + optOut.body()).isEqualTo(200);
            assertThat(optOut.body()).isEqualTo("reached");

            assertAsynchronousRequests(http, context);
        }
    }

    /**
     * README ("Asynchronous requests"): with the filter registered async-supported, a
     * {@code @Suspended} JAX-RS method answers from another thread with the principal, and an
     * application servlet's {@code AsyncContext.dispatch} to JAX-RS after the filter has returned
     * reaches a method that sees the principal and is still checked (the filter mapped for
     * {@code REQUEST} only). Positive controls: alice's requests pass.
     */
    static void assertAsynchronousRequests(Http http, String context) {
        Http.Response later = http.send("GET", "/api/later-whoami", token("alice"));
        assertThat(later.status()).as("positive control: " + later.body() + context).isEqualTo(200);
        assertThat(later.body()).contains("principal=alice").contains("scheme=Bearer");
        assertThat(http.send("GET", "/api/later-whoami", null).status()).isEqualTo(401);
        Http.Response laterDenied = http.send("GET", "/api/later-denied", token("alice"));
        assertThat(laterDenied.status()).as(laterDenied.body() + context).isEqualTo(403);

        Http.Response hop = http.send("GET", "/hop/api/whoami", token("alice"));
        assertThat(hop.status()).as("positive control: " + hop.body() + context).isEqualTo(200);
        assertThat(hop.body()).contains("principal=alice").contains("scheme=Bearer");
        assertThat(http.send("GET", "/hop/api/whoami", null).status()).isEqualTo(401);
        Http.Response hopDenied = http.send("GET", "/hop/api/denied", token("alice"));
        assertThat(hopDenied.status()).as("@DenyAll checked in the async dispatch\n" + hopDenied.body() + context)
                .isEqualTo(403);
        assertThat(hopDenied.header("Content-Type")).hasValueSatisfying(
                v -> assertThat(v).startsWith("application/problem+json"));

        // a servlet reached by the dispatch gets the container's request, not Portcullis' wrapper
        Http.Response hopServlet = http.send("GET", "/hop/report", token("alice"));
        assertThat(hopServlet.status()).as(hopServlet.body() + context).isEqualTo(200);
        assertThat(report(hopServlet)).as(hopServlet.body())
                .containsEntry("principal", "none")
                .containsEntry("portcullis-passes", "0");
    }

    @Test
    void propertiesWhenRestEasyThenFeatureDiscoveredBehindTheFilter() {
        try (WebServer server = start("resteasy")) {
            Http http = new Http(server.baseUri());
            String context = server.logTail(80);
            assertThat(http.send("GET", "/api/whoami", null).status()).as(context).isEqualTo(401);
            Http.Response whoami = http.send("GET", "/api/whoami", token("alice"));
            assertThat(whoami.status()).as(whoami.body() + context).isEqualTo(200);
            assertThat(whoami.body()).contains("principal=alice").contains("scheme=Bearer");
            Http.Response denied = http.send("GET", "/api/denied", token("alice"));
            assertThat(denied.status()).as("@DenyAll enforced: the feature was discovered\n" + denied.body() + context)
                    .isEqualTo(403);
            Http.Response optOut = http.send("GET", "/api-optout/denied", token("alice"));
            assertThat(optOut.status()).as("portcullis.jaxrs.auto-register=false\n" + optOut.body() + context)
                    .isEqualTo(200);
            assertThat(optOut.body()).isEqualTo("reached");

            assertAsynchronousRequests(http, context);
        }
    }

    @Test
    void propertiesWhenAbsoluteOrderingNamesPortcullisThenGuarded() {
        try (WebServer server = start("ordering-included")) {
            Http http = new Http(server.baseUri());
            assertThat(http.send("GET", "/report", null).status()).as(server.logTail(60)).isEqualTo(401);
            Http.Response ok = http.send("GET", "/report", token("alice"));
            assertThat(ok.status()).isEqualTo(200);
            assertThat(report(ok)).containsEntry("portcullis-passes", "1").containsEntry("probe-principal", "alice");
        }
    }

    @Test
    void propertiesWhenAbsoluteOrderingLeavesOutPortcullisThenInitializerSkippedAndUnguarded() {
        try (WebServer server = start("ordering-excluded")) {
            Http http = new Http(server.baseUri());
            Http.Response r = http.send("GET", "/report", null);
            // documented: the container skips the initializer of an excluded fragment, so nothing guards
            assertThat(r.status()).as(r.body() + server.logTail(60)).isEqualTo(200);
            assertThat(report(r)).containsEntry("principal", "none").containsEntry("portcullis-passes", "0");
            assertThat(logLines(server, "Portcullis initializer:")).isEmpty();
        }
    }

    @Test
    void propertiesWhenWebXmlMetadataCompleteThenAsTheServerDoes() {
        try (WebServer server = start("metadata-complete")) {
            Http http = new Http(server.baseUri());
            Http.Response r = http.send("GET", "/report", null);
            if (runsInitializerWhenMetadataComplete()) {
                assertThat(r.status()).as(r.body() + server.logTail(60)).isEqualTo(401);
                Http.Response ok = http.send("GET", "/report", token("alice"));
                assertThat(report(ok)).containsEntry("portcullis-passes", "1").containsEntry("probe-principal", "alice");
            } else {
                assertThat(r.status()).as(r.body() + server.logTail(60)).isEqualTo(200);
                assertThat(report(r)).containsEntry("portcullis-passes", "0");
            }
        }
    }
}
