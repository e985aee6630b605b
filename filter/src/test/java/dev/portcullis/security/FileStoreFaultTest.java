package dev.portcullis.security;

import dev.portcullis.Reason;
import dev.portcullis.testing.FilterServer;
import dev.portcullis.testing.JwksServer;
import dev.portcullis.testing.TestKeys;
import dev.portcullis.testing.Tokens;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;

import static dev.portcullis.security.AttackSupport.assertRefused;
import static dev.portcullis.security.AttackSupport.prompt;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * A file attribute source whose file turns into garbage or disappears while the application
 * runs: the last good content stays in use (never fail open to an unknown principal, never a
 * 500), and a good file is picked up again.
 */
class FileStoreFaultTest {
    private Path dir;
    private Path file;
    private JwksServer idp;
    private FilterServer app;

    @BeforeEach
    void setUp() throws Exception {
        dir = Files.createTempDirectory("file-store");
        file = dir.resolve("principals.yaml");
        write("principals:\n  - {issuer: '" + Tokens.ISSUER + "', subject: alice, roles: [viewer]}\n");
        idp = JwksServer.serving(TestKeys.rsa(), TestKeys.ec(), TestKeys.ed25519());
        app = FilterServer.builder().trusting(idp)
                .param("portcullis.attributes.source", "file")
                .param("portcullis.attributes.file", file.toString())
                .param("portcullis.attributes.file-check-interval", "0s")
                .param("portcullis.attributes.cache.ttl", "1s")
                .param("portcullis.attributes.cache.negative-ttl", "1s")
                .param("portcullis.attributes.cache.stale-window", "0s")
                .start();
        AttackSupport.warmUp(app);
    }

    @AfterEach
    void tearDown() throws Exception {
        app.close();
        idp.close();
        Files.deleteIfExists(file);
        Files.delete(dir);
    }

    private long counter = 1;

    /** Writes the file with a fresh modification time, so that the source sees a change. */
    private void write(String content) throws Exception {
        Files.writeString(file, content);
        Files.setLastModifiedTime(file, FileTime.from(Instant.now().plusSeconds(counter++)));
    }

    private HttpResponse<String> get(String subject) {
        String t = Tokens.signedWith(TestKeys.rsa()).subject(subject).sign();
        return prompt(() -> app.get("/x", "Authorization", "Bearer " + t));
    }

    private static void expire() throws InterruptedException {
        Thread.sleep(Duration.ofMillis(1200).toMillis());
    }

    @Test
    void requestWhenFileBecomesGarbageThenLastGoodContentStaysAndGoodFileIsPickedUp() throws Exception {
        assertThat(get("alice").statusCode()).isEqualTo(200);
        write("principals:\n  - {issuer: [unclosed\n");
        expire();
        assertThat(get("alice").statusCode()).as("last good content").isEqualTo(200);
        int before = app.invocations();
        assertRefused(app, before, get("mallory"), Reason.PRINCIPAL_UNKNOWN, null);
        write("principals: !!java.lang.Runtime {}\n");
        expire();
        assertThat(get("alice").statusCode()).as("an unsafe YAML tag is refused; last good stays").isEqualTo(200);
        Files.delete(file);
        expire();
        assertThat(get("alice").statusCode()).as("a vanished file keeps the last good content").isEqualTo(200);
        write("principals:\n  - {issuer: '" + Tokens.ISSUER + "', subject: alice, status: DISABLED}\n");
        expire();
        before = app.invocations();
        assertRefused(app, before, get("alice"), Reason.PRINCIPAL_DISABLED, null);
    }
}
