package dev.portcullis.it;

import dev.portcullis.testing.DpopProofs;
import dev.portcullis.testing.TestCertificates;

import dev.portcullis.servlet.PortcullisFilter;

import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import org.apache.catalina.Context;
import org.apache.catalina.connector.Connector;
import org.apache.catalina.startup.Tomcat;
import org.apache.tomcat.util.descriptor.web.FilterDef;
import org.apache.tomcat.util.descriptor.web.FilterMap;
import org.apache.tomcat.util.net.SSLHostConfig;
import org.apache.tomcat.util.net.SSLHostConfigCertificate;
import org.eclipse.jetty.ee10.servlet.FilterHolder;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.ee10.servlet.ServletHolder;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.SecureRequestCustomizer;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.server.SslConnectionFactory;
import org.eclipse.jetty.util.ssl.SslContextFactory;
import org.jose4j.jwk.JsonWebKey;
import org.jose4j.jwk.JsonWebKeySet;
import org.jose4j.jwk.RsaJsonWebKey;
import org.jose4j.jwk.RsaJwkGenerator;
import org.jose4j.jws.AlgorithmIdentifiers;
import org.jose4j.jws.JsonWebSignature;
import org.jose4j.jwt.JwtClaims;
import org.jose4j.json.JsonUtil;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import javax.net.ssl.HttpsURLConnection;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Certificate-bound tokens (RFC 8705 §3) and DPoP over TLS on real containers: embedded Tomcat 11
 * and embedded Jetty 12, each with an HTTPS connector that asks for a client certificate (Tomcat
 * {@code certificateVerification="optional"}, Jetty {@code wantClientAuth}), the Portcullis servlet
 * filter at the context path {@code /app}. A token with {@code cnf.x5t#S256} is admitted with the
 * client certificate it names and refused with another trusted client's certificate or with none;
 * a DPoP proof's {@code htu} is the https URL with the context path (refused without it). The
 * certificates are made by the test ({@link TestCertificates}), no keytool.
 */
class SenderConstrainedTlsIT {
    private static final String ISSUER = "https://idp.it/mtls";
    private static final char[] PASSWORD = "changeit".toCharArray();

    private static Path work;
    private static RsaJsonWebKey issuerKey;
    private static TestCertificates.Issued ca;
    private static TestCertificates.Issued serverCert;
    private static TestCertificates.Issued clientA;
    private static TestCertificates.Issued clientB;
    private static final Map<String, String> BASES = new LinkedHashMap<>();
    private static final List<AutoCloseable> STOPS = new ArrayList<>();

    @BeforeAll
    static void start() throws Exception {
        work = ItPaths.freshDirectory("sender-constrained-tls");
        issuerKey = RsaJwkGenerator.generateJwk(2048);
        issuerKey.setKeyId("k1");
        Files.writeString(work.resolve("jwks.json"), new JsonWebKeySet(issuerKey)
                .toJson(JsonWebKey.OutputControlLevel.PUBLIC_ONLY));
        ca = TestCertificates.selfSigned("Portcullis IT CA");
        serverCert = TestCertificates.signedBy("127.0.0.1", ca);
        clientA = TestCertificates.signedBy("client-a", ca);
        clientB = TestCertificates.signedBy("client-b", ca);
        store(work.resolve("server.p12"), serverCert);
        KeyStore trust = KeyStore.getInstance("PKCS12");
        trust.load(null, null);
        trust.setCertificateEntry("ca", ca.certificate);
        try (OutputStream out = Files.newOutputStream(work.resolve("trust.p12"))) {
            trust.store(out, PASSWORD);
        }
        BASES.put("Tomcat", tomcat());
        BASES.put("Jetty", jetty());
    }

    @AfterAll
    static void stop() throws Exception {
        for (AutoCloseable s : STOPS) {
            s.close();
        }
    }

    private static void store(Path file, TestCertificates.Issued issued) throws Exception {
        KeyStore ks = KeyStore.getInstance("PKCS12");
        ks.load(null, null);
        ks.setKeyEntry("key", issued.keys.getPrivate(), PASSWORD, new Certificate[] {issued.certificate, ca.certificate});
        try (OutputStream out = Files.newOutputStream(file)) {
            ks.store(out, PASSWORD);
        }
    }

    private static Map<String, String> filterParams() {
        Map<String, String> p = new HashMap<>();
        p.put("portcullis.issuer", ISSUER);
        p.put("portcullis.audience", "api");
        p.put("portcullis.jwks-file", work.resolve("jwks.json").toString());
        p.put("portcullis.dpop-mode", "allowed");
        return p;
    }

    /** Answers with the principal and whether a client certificate came with the request. */
    private static final class Hello extends HttpServlet {
        private static final long serialVersionUID = 1L;

        @Override
        protected void doGet(HttpServletRequest request, HttpServletResponse response) throws IOException {
            response.setContentType("text/plain");
            response.getWriter().print("hello " + request.getRemoteUser());
        }
    }

    private static String tomcat() throws Exception {
        Tomcat tomcat = new Tomcat();
        Path base = work.resolve("tomcat");
        Files.createDirectories(base);
        tomcat.setBaseDir(base.toString());
        Connector https = new Connector("org.apache.coyote.http11.Http11NioProtocol");
        https.setPort(0);
        https.setProperty("address", "127.0.0.1");
        https.setSecure(true);
        https.setScheme("https");
        https.setProperty("SSLEnabled", "true");
        SSLHostConfig ssl = new SSLHostConfig();
        ssl.setCertificateVerification("optional");
        ssl.setTruststoreFile(work.resolve("trust.p12").toString());
        ssl.setTruststorePassword(new String(PASSWORD));
        ssl.setTruststoreType("PKCS12");
        SSLHostConfigCertificate cert = new SSLHostConfigCertificate(ssl, SSLHostConfigCertificate.Type.RSA);
        cert.setCertificateKeystoreFile(work.resolve("server.p12").toString());
        cert.setCertificateKeystorePassword(new String(PASSWORD));
        cert.setCertificateKeystoreType("PKCS12");
        ssl.addCertificate(cert);
        https.addSslHostConfig(ssl);
        tomcat.setConnector(https);
        Context context = tomcat.addContext("/app", base.toString());
        Tomcat.addServlet(context, "hello", new Hello());
        context.addServletMappingDecoded("/*", "hello");
        FilterDef def = new FilterDef();
        def.setFilterName("portcullis");
        def.setFilter(new PortcullisFilter());
        filterParams().forEach(def::addInitParameter);
        context.addFilterDef(def);
        FilterMap map = new FilterMap();
        map.setFilterName("portcullis");
        map.addURLPattern("/*");
        context.addFilterMap(map);
        tomcat.start();
        STOPS.add(() -> {
            tomcat.stop();
            tomcat.destroy();
        });
        return "https://127.0.0.1:" + https.getLocalPort() + "/app";
    }

    private static String jetty() throws Exception {
        Server server = new Server();
        SslContextFactory.Server ssl = new SslContextFactory.Server();
        ssl.setKeyStorePath(work.resolve("server.p12").toString());
        ssl.setKeyStorePassword(new String(PASSWORD));
        ssl.setKeyStoreType("PKCS12");
        ssl.setTrustStorePath(work.resolve("trust.p12").toString());
        ssl.setTrustStorePassword(new String(PASSWORD));
        ssl.setTrustStoreType("PKCS12");
        ssl.setWantClientAuth(true);
        HttpConfiguration config = new HttpConfiguration();
        config.addCustomizer(new SecureRequestCustomizer(false));
        ServerConnector connector = new ServerConnector(server, new SslConnectionFactory(ssl, "http/1.1"),
                new HttpConnectionFactory(config));
        connector.setHost("127.0.0.1");
        server.addConnector(connector);
        ServletContextHandler context = new ServletContextHandler("/app");
        FilterHolder filter = new FilterHolder(new PortcullisFilter());
        filter.setInitParameters(filterParams());
        context.addFilter(filter, "/*", EnumSet.of(jakarta.servlet.DispatcherType.REQUEST));
        context.addServlet(new ServletHolder(new Hello()), "/*");
        server.setHandler(context);
        server.start();
        STOPS.add(server::stop);
        return "https://127.0.0.1:" + connector.getLocalPort() + "/app";
    }

    private static String token(Map<String, Object> cnf) throws Exception {
        JwtClaims claims = new JwtClaims();
        claims.setIssuer(ISSUER);
        claims.setAudience("api");
        claims.setSubject("alice");
        claims.setIssuedAtToNow();
        claims.setExpirationTimeMinutesInTheFuture(5);
        claims.setClaim("cnf", cnf);
        JsonWebSignature jws = new JsonWebSignature();
        jws.setPayload(claims.toJson());
        jws.setKey(issuerKey.getPrivateKey());
        jws.setKeyIdHeaderValue("k1");
        jws.setAlgorithmHeaderValue(AlgorithmIdentifiers.RSA_USING_SHA256);
        return jws.getCompactSerialization();
    }

    /** Status and body (the problem's reason for a refusal). */
    private static String get(String url, TestCertificates.Issued client, Map<String, String> headers)
            throws Exception {
        KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        KeyStore keys = KeyStore.getInstance("PKCS12");
        keys.load(null, null);
        if (client != null) {
            keys.setKeyEntry("client", client.keys.getPrivate(), PASSWORD,
                    new Certificate[] {client.certificate, ca.certificate});
        }
        kmf.init(keys, PASSWORD);
        KeyStore trust = KeyStore.getInstance("PKCS12");
        trust.load(null, null);
        trust.setCertificateEntry("ca", ca.certificate);
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(trust);
        SSLContext tls = SSLContext.getInstance("TLS");
        tls.init(kmf.getKeyManagers(), tmf.getTrustManagers(), null);
        HttpsURLConnection c = (HttpsURLConnection) new URL(url).openConnection();
        c.setSSLSocketFactory(tls.getSocketFactory());
        c.setHostnameVerifier((host, session) -> true); // the test CA's server certificate names no SAN
        headers.forEach(c::setRequestProperty);
        int status = c.getResponseCode();
        try (InputStream in = status < 400 ? c.getInputStream() : c.getErrorStream()) {
            String body = in == null ? "" : new String(in.readAllBytes(), StandardCharsets.UTF_8);
            if (status >= 400) {
                return status + " " + JsonUtil.parseJson(body).get("reason");
            }
            return status + " " + body;
        } finally {
            c.disconnect();
        }
    }

    @Test
    void certificateBoundTokenWhenPresentedOnEachContainerThenOnlyWithItsCertificate() throws Exception {
        String token = token(Map.of("x5t#S256", clientA.x5tS256()));
        Map<String, String> bearer = Map.of("Authorization", "Bearer " + token);
        for (Map.Entry<String, String> base : BASES.entrySet()) {
            String url = base.getValue() + "/api/documents/1";
            assertThat(get(url, clientA, bearer)).as(base.getKey() + ": the bound client").isEqualTo("200 hello alice");
            assertThat(get(url, clientB, bearer)).as(base.getKey() + ": another trusted client")
                    .isEqualTo("401 certificate_mismatch");
            assertThat(get(url, null, bearer)).as(base.getKey() + ": no client certificate")
                    .isEqualTo("401 certificate_mismatch");
            assertThat(get(url, clientB, Map.of("Authorization", "Bearer " + token(Map.of("x5t#S256",
                    clientB.x5tS256()))))).as(base.getKey() + ": control, B's own token").isEqualTo("200 hello alice");
        }
    }

    @Test
    void dpopWhenOverTlsUnderContextPathThenHtuIsTheHttpsUrlWithIt() throws Exception {
        DpopProofs client = DpopProofs.ec();
        for (Map.Entry<String, String> base : BASES.entrySet()) {
            String url = base.getValue() + "/api/documents/1";
            String token = token(client.cnf());
            assertThat(get(url, null, Map.of("Authorization", "DPoP " + token, "DPoP", client.proof("GET", url, token))))
                    .as(base.getKey() + ": correct proof").isEqualTo("200 hello alice");
            String withoutContext = url.replace("/app/", "/");
            assertThat(get(url, null, Map.of("Authorization", "DPoP " + token,
                    "DPoP", client.proof("GET", withoutContext, token))))
                    .as(base.getKey() + ": htu without the context path").isEqualTo("401 invalid_dpop_proof");
            assertThat(get(url, null, Map.of("Authorization", "DPoP " + token,
                    "DPoP", client.proof("GET", url.replace("https:", "http:"), token))))
                    .as(base.getKey() + ": htu with http for https").isEqualTo("401 invalid_dpop_proof");
        }
    }
}
