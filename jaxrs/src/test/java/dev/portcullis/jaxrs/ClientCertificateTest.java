package dev.portcullis.jaxrs;

import dev.portcullis.testing.TestCertificates;

import dev.portcullis.Portcullis;
import dev.portcullis.config.Settings;

import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.ee10.servlet.ServletHolder;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.SecureRequestCustomizer;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.server.SslConnectionFactory;
import org.eclipse.jetty.util.ssl.SslContextFactory;
import org.glassfish.jersey.server.ResourceConfig;
import org.glassfish.jersey.servlet.ServletContainer;
import org.jboss.resteasy.plugins.server.servlet.HttpServletDispatcher;
import org.jboss.resteasy.spi.ResteasyDeployment;
import org.jboss.resteasy.core.ResteasyDeploymentImpl;
import org.jose4j.json.JsonUtil;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.InputStream;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.util.ArrayList;
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
 * Certificate-bound tokens (RFC 8705 §3) through the JAX-RS feature alone (no Portcullis servlet
 * filter), in Jersey's servlet container and RESTEasy's servlet dispatcher on Jetty 12 with TLS
 * client authentication ({@code wantClientAuth}): both runtimes expose the servlet request's
 * {@code jakarta.servlet.request.X509Certificate} attribute as a request property, which the
 * feature reads (the module has no servlet API). A token bound to client A is admitted with A's
 * certificate and refused with B's or none.
 */
class ClientCertificateTest {
    private static final char[] PASSWORD = "changeit".toCharArray();
    private static final String POLICY = String.join("\n",
            "apiVersion: api.cerbos.dev/v1",
            "resourcePolicy:",
            "  resource: document",
            "  version: default",
            "  rules:",
            "    - actions: ['read']",
            "      effect: EFFECT_ALLOW",
            "      roles: ['user']",
            "---",
            "apiVersion: api.cerbos.dev/v1",
            "resourcePolicy:",
            "  resource: report",
            "  version: default",
            "  rules:",
            "    - actions: ['read']",
            "      effect: EFFECT_ALLOW",
            "      roles: ['user']",
            "");

    @TempDir
    static Path dir;
    private static TokenMint mint;
    private static TestCertificates.Issued ca;
    private static TestCertificates.Issued clientA;
    private static TestCertificates.Issued clientB;
    private static final Map<String, String> BASES = new LinkedHashMap<>();
    private static final List<AutoCloseable> STOPS = new ArrayList<>();

    @BeforeAll
    static void start() throws Exception {
        mint = new TokenMint(dir.resolve("keys"));
        Files.createDirectories(dir.resolve("policies"));
        Files.writeString(dir.resolve("policies/p.yaml"), POLICY);
        Files.writeString(dir.resolve("principals.yaml"), "principals:\n  - {issuer: '" + mint.issuer()
                + "', subject: alice, status: ACTIVE, roles: [user]}\n");
        ca = TestCertificates.selfSigned("JAX-RS test CA");
        TestCertificates.Issued server = TestCertificates.signedBy("127.0.0.1", ca);
        clientA = TestCertificates.signedBy("client-a", ca);
        clientB = TestCertificates.signedBy("client-b", ca);
        Map<String, String> settings = new HashMap<>(mint.settings());
        settings.put("portcullis.policy.dir", dir.resolve("policies").toString());
        settings.put("portcullis.attributes.source", "file");
        settings.put("portcullis.attributes.file", dir.resolve("principals.yaml").toString());

        Portcullis jersey = Portcullis.fromSettings(Settings.of(settings));
        STOPS.add(jersey);
        BASES.put("Jersey (servlet)", tls(new ServletHolder(new ServletContainer(new ResourceConfig(
                EngineContractTest.ContractResource.class).register(new PortcullisFeature(jersey)))), server, null));
        Portcullis resteasy = Portcullis.fromSettings(Settings.of(settings));
        STOPS.add(resteasy);
        ResteasyDeployment deployment = new ResteasyDeploymentImpl();
        deployment.setApplication(Runtimes.application(List.of(EngineContractTest.ContractResource.class),
                List.of(new PortcullisFeature(resteasy))));
        deployment.start();
        STOPS.add(deployment::stop);
        BASES.put("RESTEasy (servlet)", tls(new ServletHolder(new HttpServletDispatcher()), server, deployment));
    }

    @AfterAll
    static void stop() throws Exception {
        for (int i = STOPS.size() - 1; i >= 0; i--) {
            STOPS.get(i).close();
        }
    }

    private static KeyStore keys(TestCertificates.Issued issued) throws Exception {
        KeyStore ks = KeyStore.getInstance("PKCS12");
        ks.load(null, null);
        if (issued != null) {
            ks.setKeyEntry("key", issued.keys.getPrivate(), PASSWORD, new Certificate[] {issued.certificate, ca.certificate});
        }
        return ks;
    }

    private static KeyStore trust() throws Exception {
        KeyStore ks = KeyStore.getInstance("PKCS12");
        ks.load(null, null);
        ks.setCertificateEntry("ca", ca.certificate);
        return ks;
    }

    private static String tls(ServletHolder servlet, TestCertificates.Issued serverCert, ResteasyDeployment deployment)
            throws Exception {
        Server server = new Server();
        SslContextFactory.Server ssl = new SslContextFactory.Server();
        ssl.setKeyStore(keys(serverCert));
        ssl.setKeyStorePassword(new String(PASSWORD));
        ssl.setTrustStore(trust());
        ssl.setWantClientAuth(true);
        HttpConfiguration config = new HttpConfiguration();
        config.addCustomizer(new SecureRequestCustomizer(false));
        ServerConnector connector = new ServerConnector(server, new SslConnectionFactory(ssl, "http/1.1"),
                new HttpConnectionFactory(config));
        connector.setHost("127.0.0.1");
        server.addConnector(connector);
        ServletContextHandler context = new ServletContextHandler("/");
        if (deployment != null) {
            context.setAttribute(ResteasyDeployment.class.getName(), deployment);
        }
        context.addServlet(servlet, "/*");
        server.setHandler(context);
        server.start();
        STOPS.add(server::stop);
        return "https://127.0.0.1:" + connector.getLocalPort() + "/";
    }

    private static String get(String url, TestCertificates.Issued client, String token) throws Exception {
        KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        kmf.init(keys(client), PASSWORD);
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(trust());
        SSLContext tls = SSLContext.getInstance("TLS");
        tls.init(kmf.getKeyManagers(), tmf.getTrustManagers(), null);
        HttpsURLConnection c = (HttpsURLConnection) new URL(url).openConnection();
        c.setSSLSocketFactory(tls.getSocketFactory());
        c.setHostnameVerifier((host, session) -> true); // the test CA's server certificate names no SAN
        c.setRequestProperty("Authorization", "Bearer " + token);
        int status = c.getResponseCode();
        try (InputStream in = status < 400 ? c.getInputStream() : c.getErrorStream()) {
            String body = in == null ? "" : new String(in.readAllBytes(), StandardCharsets.UTF_8);
            return status + " " + (status >= 400 ? JsonUtil.parseJson(body).get("reason") : body);
        } finally {
            c.disconnect();
        }
    }

    @Test
    void certificateBoundTokenWhenJaxrsInServletContainerThenCheckedAgainstTheTlsClient() throws Exception {
        String token = mint.tokenWith("alice", Map.of("cnf", Map.of("x5t#S256", clientA.x5tS256())));
        for (Map.Entry<String, String> base : BASES.entrySet()) {
            String url = base.getValue() + "api/documents/1";
            assertThat(get(url, clientA, token)).as(base.getKey() + ": the bound client").isEqualTo("200 document 1");
            assertThat(get(url, clientB, token)).as(base.getKey() + ": another client")
                    .isEqualTo("401 certificate_mismatch");
            assertThat(get(url, null, token)).as(base.getKey() + ": no certificate").isEqualTo("401 certificate_mismatch");
        }
    }
}
