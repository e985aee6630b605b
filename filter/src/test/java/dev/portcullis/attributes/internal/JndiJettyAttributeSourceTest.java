package dev.portcullis.attributes.internal;

import dev.portcullis.attributes.AttributeSourceException;
import dev.portcullis.attributes.PrincipalAttributes;
import static org.assertj.core.api.Assertions.assertThat;

import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.time.Duration;
import java.util.UUID;
import org.eclipse.jetty.ee10.plus.webapp.EnvConfiguration;
import org.eclipse.jetty.ee10.plus.webapp.PlusConfiguration;
import org.eclipse.jetty.ee10.webapp.WebAppContext;
import org.eclipse.jetty.plus.jndi.Resource;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.h2.jdbcx.JdbcDataSource;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * JdbcAttributeSource inside a real servlet container, the way a legacy WAR gets its DataSource:
 * embedded Jetty 12 (ee10) with JNDI enabled, an H2 DataSource bound as the webapp resource
 * {@code jdbc/portcullis} and declared by a {@code resource-ref} in web.xml, and a servlet that
 * builds the source from {@code java:comp/env/jdbc/portcullis} and answers a principal's status
 * over HTTP.
 */
class JndiJettyAttributeSourceTest {
    private static final String ISSUER = "https://idp.example";

    @TempDir
    static Path webappDir;

    private static Server server;
    private static Connection keepAlive;
    private static URI base;
    private static final HttpClient CLIENT = HttpClient.newBuilder()
            .connectTimeout(Duration.ofSeconds(5)).build();

    /** The application's servlet: builds its attribute source from JNDI at init. */
    public static final class StatusServlet extends HttpServlet {
        private static final long serialVersionUID = 1L;
        private transient JdbcAttributeSource source;

        @Override
        public void init() throws ServletException {
            source = JdbcAttributeSource.builder()
                    .jndiName(getInitParameter("jndi"))
                    .build();
        }

        @Override
        protected void doGet(HttpServletRequest req, HttpServletResponse resp) throws IOException {
            resp.setContentType("text/plain");
            try {
                PrincipalAttributes p = source.load(req.getParameter("iss"), req.getParameter("sub"));
                resp.getWriter().print(p.status().name() + " " + String.join(",", p.roles()));
            } catch (AttributeSourceException e) {
                resp.setStatus(503);
            }
        }

        @Override
        public void destroy() {
            source.close();
        }
    }

    @BeforeAll
    static void startJetty() throws Exception {
        String url = "jdbc:h2:mem:jndi-" + UUID.randomUUID() + ";DB_CLOSE_DELAY=0";
        keepAlive = DriverManager.getConnection(url, "sa", "");
        SqlScript.run(keepAlive, SqlScript.SCHEMA);
        JdbcAttributeSourceContract.principal(keepAlive, ISSUER, "alice", "ACTIVE", 1L);
        JdbcAttributeSourceContract.role(keepAlive, ISSUER, "alice", "admin");
        JdbcAttributeSourceContract.principal(keepAlive, ISSUER, "bob", "DISABLED", 1L);
        JdbcDataSource h2 = new JdbcDataSource();
        h2.setURL(url);
        h2.setUser("sa");
        h2.setPassword("");

        Path webInf = Files.createDirectories(webappDir.resolve("WEB-INF"));
        Files.writeString(webInf.resolve("web.xml"), "<?xml version='1.0' encoding='UTF-8'?>\n"
                + "<web-app xmlns='https://jakarta.ee/xml/ns/jakartaee' version='6.0'>\n"
                + "  <servlet>\n"
                + "    <servlet-name>status</servlet-name>\n"
                + "    <servlet-class>" + StatusServlet.class.getName() + "</servlet-class>\n"
                + "    <init-param><param-name>jndi</param-name>"
                + "<param-value>java:comp/env/jdbc/portcullis</param-value></init-param>\n"
                + "    <load-on-startup>1</load-on-startup>\n"
                + "  </servlet>\n"
                + "  <servlet-mapping><servlet-name>status</servlet-name><url-pattern>/status</url-pattern>"
                + "</servlet-mapping>\n"
                + "  <resource-ref>\n"
                + "    <res-ref-name>jdbc/portcullis</res-ref-name>\n"
                + "    <res-type>javax.sql.DataSource</res-type>\n"
                + "    <res-auth>Container</res-auth>\n"
                + "  </resource-ref>\n"
                + "</web-app>\n", StandardCharsets.UTF_8);

        server = new Server();
        ServerConnector connector = new ServerConnector(server);
        connector.setHost("127.0.0.1");
        connector.setPort(0);
        server.addConnector(connector);
        WebAppContext webapp = new WebAppContext();
        webapp.setContextPath("/app");
        webapp.setWar(webappDir.toString());
        webapp.setParentLoaderPriority(true);
        webapp.setThrowUnavailableOnStartupException(true);
        webapp.addConfiguration(new EnvConfiguration(), new PlusConfiguration());
        new Resource(webapp, "jdbc/portcullis", h2);
        server.setHandler(webapp);
        server.start();
        base = URI.create("http://127.0.0.1:" + connector.getLocalPort() + "/app/status");
    }

    @AfterAll
    static void stopJetty() throws Exception {
        if (server != null) {
            server.stop();
        }
        if (keepAlive != null) {
            keepAlive.close();
        }
    }

    private static HttpResponse<String> status(String issuer, String subject) throws Exception {
        URI uri = URI.create(base + "?iss=" + URLEncoder.encode(issuer, StandardCharsets.UTF_8)
                + "&sub=" + URLEncoder.encode(subject, StandardCharsets.UTF_8));
        return CLIENT.send(HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(10)).GET().build(),
                HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void servletWhenActivePrincipalThenStatusFromJndiDataSource() throws Exception {
        HttpResponse<String> response = status(ISSUER, "alice");
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.body()).isEqualTo("ACTIVE admin");
    }

    @Test
    void servletWhenDisabledPrincipalThenDisabled() throws Exception {
        assertThat(status(ISSUER, "bob").body()).isEqualTo("DISABLED ");
    }

    @Test
    void servletWhenUnknownPrincipalThenUnknown() throws Exception {
        assertThat(status(ISSUER, "mallory").body()).isEqualTo("UNKNOWN ");
        assertThat(status("https://other.example", "alice").body()).isEqualTo("UNKNOWN ");
    }
}
