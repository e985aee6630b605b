package dev.portcullis.it;

import org.jose4j.json.JsonUtil;
import org.jose4j.lang.JoseException;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * A Keycloak 26 distribution ({@code keycloak-quarkus-dist}) started as its own process in
 * development mode ({@code kc.sh start-dev}) on a free loopback port, importing realm JSON files at
 * startup ({@code --import-realm} reads {@code data/import/}). {@link #close()} stops the process
 * tree and deletes the {@code data/} directory, so the next start imports afresh.
 *
 * <pre>{@code
 * try (KeycloakServer kc = KeycloakServer.start("keycloak", List.of(realmJson))) {
 *     String token = kc.passwordGrant("portcullis", "portcullis-demo", "secret", "alice", "alice-password");
 *     URI discovery = kc.discoveryUri("portcullis");
 * }
 * }</pre>
 *
 * <p>It takes 20 to 60 seconds to start on an idle machine, minutes on a loaded one. Thread safety: {@link #close()} may be called from any
 * thread; the token methods are thread-safe.
 */
public final class KeycloakServer implements AutoCloseable {
    private static final Duration START_TIMEOUT = Duration.ofSeconds(300);

    private final Path home;
    private final int port;
    private final ServerProcess process;
    private final HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private KeycloakServer(Path home, int port, ServerProcess process) {
        this.home = home;
        this.port = port;
        this.process = process;
    }

    /**
     * Starts Keycloak with the given realm files imported; returns once the first realm's
     * discovery document answers.
     *
     * @param realmFiles realm JSON files (realm name = the {@code realm} member)
     * @param readyRealm the realm whose discovery document signals readiness
     */
    public static KeycloakServer start(String name, List<Path> realmFiles, String readyRealm) {
        return start(name, ItPaths.keycloakHome(), realmFiles, readyRealm, List.of());
    }

    /**
     * Starts the distribution at {@code home} with more {@code kc.sh start-dev} options (e.g.
     * {@code --features=ssf}).
     */
    public static KeycloakServer start(String name, Path home, List<Path> realmFiles, String readyRealm,
            List<String> options) {
        Path data = home.resolve("data");
        ItPaths.deleteRecursively(data);
        try {
            Path imports = Files.createDirectories(data.resolve("import"));
            for (Path realm : realmFiles) {
                Files.copy(realm, imports.resolve(realm.getFileName()));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        int port = FreePorts.next();
        List<String> command = new ArrayList<>(List.of("bash", home.resolve("bin/kc.sh").toString(),
                "start-dev", "--http-host=127.0.0.1", "--http-port=" + port,
                "--http-management-port=" + FreePorts.next(), "--import-realm"));
        command.addAll(options);
        ServerProcess process = ServerProcess.builder(name, command)
                .directory(home)
                .withoutInherited("KC_")
                .withoutInherited("KEYCLOAK_")
                .withoutInherited("JAVA_OPTS")
                .environment("JAVA_HOME", ServerProcess.javaHome().toString())
                .environment("KC_BOOTSTRAP_ADMIN_USERNAME", "admin")
                .environment("KC_BOOTSTRAP_ADMIN_PASSWORD", "admin")
                .start();
        KeycloakServer keycloak = new KeycloakServer(home, port, process);
        try {
            process.waitForHttp(keycloak.discoveryUri(readyRealm), START_TIMEOUT, List.of("ERROR: Failed to start server"));
        } catch (RuntimeException e) {
            keycloak.close();
            throw e;
        }
        return keycloak;
    }

    public URI baseUri() {
        return URI.create("http://127.0.0.1:" + port + "/");
    }

    /** The {@code iss} of the realm's tokens. */
    public String issuer(String realm) {
        return "http://127.0.0.1:" + port + "/realms/" + realm;
    }

    public URI discoveryUri(String realm) {
        return URI.create(issuer(realm) + "/.well-known/openid-configuration");
    }

    public long pid() {
        return process.pid();
    }

    public Path log() {
        return process.log();
    }

    /** The end of its log, for failure messages. */
    public String logTail(int lines) {
        return process.logTail(lines);
    }

    /** An access token by the resource-owner password grant of a confidential client. */
    public String passwordGrant(String realm, String clientId, String clientSecret, String username, String password) {
        Map<String, String> form = new LinkedHashMap<>();
        form.put("grant_type", "password");
        form.put("client_id", clientId);
        form.put("client_secret", clientSecret);
        form.put("username", username);
        form.put("password", password);
        String body = form.entrySet().stream()
                .map(e -> e.getKey() + "=" + URLEncoder.encode(e.getValue(), StandardCharsets.UTF_8))
                .collect(Collectors.joining("&"));
        HttpRequest request = HttpRequest.newBuilder(URI.create(issuer(realm) + "/protocol/openid-connect/token"))
                .timeout(Duration.ofSeconds(30))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(body))
                .build();
        try {
            HttpResponse<String> r = client.send(request, HttpResponse.BodyHandlers.ofString());
            if (r.statusCode() != 200) {
                throw new IllegalStateException("token request for " + username + " at " + clientId + " failed: "
                        + r.statusCode() + " " + r.body());
            }
            return (String) JsonUtil.parseJson(r.body()).get("access_token");
        } catch (IOException | JoseException e) {
            throw new IllegalStateException("token request failed: " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /**
     * One call of the admin REST API ({@code /admin/realms/...}) as the bootstrap admin (a token of
     * the master realm's {@code admin-cli}, fetched for each call); {@code json} null for no body.
     *
     * @return the status and body
     */
    public Map.Entry<Integer, String> admin(String method, String path, String json) {
        String form = "grant_type=password&client_id=admin-cli&username=admin&password=admin";
        try {
            HttpResponse<String> t = client.send(HttpRequest.newBuilder(URI.create(baseUri() + "realms/master/protocol/openid-connect/token"))
                    .timeout(Duration.ofSeconds(30)).header("Content-Type", "application/x-www-form-urlencoded")
                    .POST(HttpRequest.BodyPublishers.ofString(form)).build(), HttpResponse.BodyHandlers.ofString());
            if (t.statusCode() != 200) {
                throw new IllegalStateException("admin token: " + t.statusCode() + " " + t.body());
            }
            String token = (String) JsonUtil.parseJson(t.body()).get("access_token");
            HttpRequest.Builder r = HttpRequest.newBuilder(URI.create(baseUri() + "admin" + path))
                    .timeout(Duration.ofSeconds(30)).header("Authorization", "Bearer " + token);
            if (json == null) {
                r.method(method, HttpRequest.BodyPublishers.noBody());
            } else {
                r.header("Content-Type", "application/json").method(method, HttpRequest.BodyPublishers.ofString(json));
            }
            HttpResponse<String> a = client.send(r.build(), HttpResponse.BodyHandlers.ofString());
            return Map.entry(a.statusCode(), a.body());
        } catch (IOException | JoseException e) {
            throw new IllegalStateException("admin call " + method + " " + path + " failed: " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** Stops Keycloak (its whole process tree) and deletes its data directory. */
    @Override
    public void close() {
        try {
            process.close();
        } finally {
            ItPaths.deleteRecursively(home.resolve("data"));
        }
    }
}
