package dev.portcullis.attributes.internal;

import dev.portcullis.attributes.PrincipalAttributes;
import dev.portcullis.attributes.PrincipalStatus;
import dev.portcullis.testing.MutableClock;

import java.time.Instant;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.portcullis.config.ConfigurationException;
import dev.portcullis.config.Settings;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FileAttributeSourceTest {
    private static final String ISSUER = "https://idp.example";
    private static final Duration INTERVAL = Duration.ofSeconds(2);

    private static final String YAML = "principals:\n"
            + "  - issuer: " + ISSUER + "\n"
            + "    subject: alice\n"
            + "    version: 7\n"
            + "    roles: [admin, user]\n"
            + "    attributes:\n"
            + "      department: sales\n"
            + "      level: 3\n"
            + "      quota: 2.5\n"
            + "      mfa: true\n"
            + "      projects: [apollo, gemini]\n"
            + "  - issuer: " + ISSUER + "\n"
            + "    subject: bob\n"
            + "    status: disabled\n";

    private static final String JSON = "{\"principals\": [\n"
            + "  {\"issuer\": \"" + ISSUER + "\", \"subject\": \"alice\", \"version\": \"7\",\n"
            + "   \"roles\": [\"admin\", \"user\"],\n"
            + "   \"attributes\": {\"department\": \"sales\", \"level\": 3, \"quota\": 2.5, \"mfa\": true,\n"
            + "                  \"projects\": [\"apollo\", \"gemini\"]}},\n"
            + "  {\"issuer\": \"" + ISSUER + "\", \"subject\": \"bob\", \"status\": \"DISABLED\"}\n"
            + "]}\n";

    @TempDir
    Path dir;

    private final MutableClock clock = MutableClock.at(Instant.parse("2026-01-01T00:00:00Z"));

    private Path write(String name, String content) throws Exception {
        Path file = dir.resolve(name);
        Files.writeString(file, content, StandardCharsets.UTF_8);
        return file;
    }

    /** Rewrites the file and moves its modification time forward, so the change is visible. */
    private static void rewrite(Path file, String content) throws Exception {
        FileTime before = Files.getLastModifiedTime(file);
        Files.writeString(file, content, StandardCharsets.UTF_8);
        Files.setLastModifiedTime(file, FileTime.fromMillis(before.toMillis() + 5_000));
    }

    private FileAttributeSource source(Path file) {
        return FileAttributeSource.builder().file(file).clock(clock).checkInterval(INTERVAL).build();
    }

    private static void assertAlice(PrincipalAttributes alice) {
        assertThat(alice.status()).isEqualTo(PrincipalStatus.ACTIVE);
        assertThat(alice.roles()).containsExactly("admin", "user");
        assertThat(alice.attributes()).containsExactlyInAnyOrderEntriesOf(Map.of("department", "sales",
                "level", 3L, "quota", 2.5, "mfa", true, "projects", List.of("apollo", "gemini")));
        assertThat(alice.version()).contains("7");
    }

    @Test
    void loadWhenYamlFileThenPrincipalsRead() throws Exception {
        FileAttributeSource source = source(write("principals.yaml", YAML));
        assertAlice(source.load(ISSUER, "alice"));
        assertThat(source.load(ISSUER, "alice").loadedAt()).isEqualTo(clock.instant());
        assertThat(source.load(ISSUER, "bob").status()).isEqualTo(PrincipalStatus.DISABLED);
    }

    @Test
    void loadWhenJsonFileThenSamePrincipalsRead() throws Exception {
        FileAttributeSource source = source(write("principals.json", JSON));
        assertAlice(source.load(ISSUER, "alice"));
        assertThat(source.load(ISSUER, "bob").status()).isEqualTo(PrincipalStatus.DISABLED);
    }

    @Test
    void loadWhenSubjectAbsentOrOtherIssuerThenUnknown() throws Exception {
        FileAttributeSource source = source(write("principals.yaml", YAML));
        assertThat(source.load(ISSUER, "nobody").status()).isEqualTo(PrincipalStatus.UNKNOWN);
        assertThat(source.load("https://other.example", "alice").status()).isEqualTo(PrincipalStatus.UNKNOWN);
    }

    @Test
    void loadWhenFileChangedAndIntervalPassedThenReloaded() throws Exception {
        Path file = write("principals.yaml", YAML);
        FileAttributeSource source = source(file);
        rewrite(file, YAML.replace("subject: alice\n", "subject: alice\n    status: DISABLED\n"));
        clock.advance(INTERVAL);
        assertThat(source.load(ISSUER, "alice").status()).isEqualTo(PrincipalStatus.DISABLED);
    }

    @Test
    void loadWhenFileChangedButIntervalNotPassedThenPreviousContent() throws Exception {
        Path file = write("principals.yaml", YAML);
        FileAttributeSource source = source(file);
        rewrite(file, YAML.replace("subject: alice\n", "subject: alice\n    status: DISABLED\n"));
        clock.advance(INTERVAL.minusMillis(1));
        assertThat(source.load(ISSUER, "alice").isActive()).isTrue();
        clock.advance(Duration.ofMillis(1));
        assertThat(source.load(ISSUER, "alice").isActive()).isFalse();
    }

    @Test
    void loadWhenReloadedFileIsBadThenPreviousContentKeptUntilFixed() throws Exception {
        Path file = write("principals.yaml", YAML);
        FileAttributeSource source = source(file);
        rewrite(file, "principals:\n  - issuer: " + ISSUER + "\n    subject: alice\n    status: [oops\n");
        clock.advance(INTERVAL);
        assertAlice(source.load(ISSUER, "alice"));
        rewrite(file, YAML.replace("subject: bob\n    status: disabled\n", "subject: bob\n"));
        clock.advance(INTERVAL);
        assertThat(source.load(ISSUER, "bob").isActive()).isTrue();
    }

    @Test
    void loadWhenReloadedFileHasInvalidPrincipalThenPreviousContentKept() throws Exception {
        Path file = write("principals.yaml", YAML);
        FileAttributeSource source = source(file);
        rewrite(file, YAML.replace("status: disabled", "status: suspended"));
        clock.advance(INTERVAL);
        assertThat(source.load(ISSUER, "bob").status()).isEqualTo(PrincipalStatus.DISABLED);
    }

    @Test
    void loadWhenFileDeletedThenPreviousContentKept() throws Exception {
        Path file = write("principals.yaml", YAML);
        FileAttributeSource source = source(file);
        Files.delete(file);
        clock.advance(INTERVAL);
        assertAlice(source.load(ISSUER, "alice"));
    }

    @Test
    void buildWhenUnknownKeyThenConfigurationExceptionNamingIt() throws Exception {
        Path file = write("principals.yaml", YAML.replace("roles:", "role:"));
        assertThatThrownBy(() -> source(file))
                .isInstanceOfSatisfying(ConfigurationException.class,
                        e -> assertThat(e.setting()).isEqualTo(FileAttributeSource.FILE))
                .hasMessageContaining("unknown key 'role'");
    }

    @Test
    void buildWhenDuplicatePrincipalThenRejected() throws Exception {
        Path file = write("principals.yaml", YAML + "  - issuer: " + ISSUER + "\n    subject: alice\n");
        assertThatThrownBy(() -> source(file)).isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("twice");
    }

    @Test
    void buildWhenYamlDateAttributeThenRejectedAskingForQuotes() throws Exception {
        Path file = write("principals.yaml", YAML.replace("level: 3", "hired: 2020-01-01"));
        assertThatThrownBy(() -> source(file)).isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("hired").hasMessageContaining("unsupported type");
        Path quoted = write("quoted.yaml", YAML.replace("level: 3", "hired: '2020-01-01'"));
        assertThat(source(quoted).load(ISSUER, "alice").attributes()).containsEntry("hired", "2020-01-01");
    }

    @Test
    void buildWhenDuplicateKeysThenRejected() throws Exception {
        Path file = write("principals.yaml", YAML.replace("    version: 7\n", "    version: 7\n    version: 8\n"));
        assertThatThrownBy(() -> source(file)).isInstanceOf(ConfigurationException.class);
    }

    @Test
    void buildWhenYamlTagForJavaTypeThenRejected() throws Exception {
        Path file = write("principals.yaml", "principals: !!javax.script.ScriptEngineManager [x]\n");
        assertThatThrownBy(() -> source(file)).isInstanceOf(ConfigurationException.class);
    }

    @Test
    void fromSettingsWhenFileSetThenReads() throws Exception {
        Path file = write("principals.yaml", YAML);
        FileAttributeSource source = FileAttributeSource.fromSettings(Settings.of(Map.of(
                FileAttributeSource.FILE, file.toString(), FileAttributeSource.CHECK_INTERVAL, "0s")), clock);
        rewrite(file, YAML.replace("status: disabled", "status: active"));
        assertThat(source.load(ISSUER, "bob").isActive()).isTrue(); // interval 0: checked every load
    }

    @Test
    void fromSettingsWhenFileMissingThenConfigurationExceptionNamingIt() {
        assertThatThrownBy(() -> FileAttributeSource.fromSettings(Settings.of(Map.of()), clock))
                .isInstanceOfSatisfying(ConfigurationException.class,
                        e -> assertThat(e.setting()).isEqualTo(FileAttributeSource.FILE));
        assertThatThrownBy(() -> FileAttributeSource.fromSettings(Settings.of(Map.of(
                FileAttributeSource.FILE, dir.resolve("absent.yaml").toString())), clock))
                .isInstanceOfSatisfying(ConfigurationException.class,
                        e -> assertThat(e.setting()).isEqualTo(FileAttributeSource.FILE));
    }

    @Test
    void cacheWhenFileChangedAndRevokedThenNextGetSeesChange() throws Exception {
        Path file = write("principals.yaml", YAML);
        try (AttributeCache cache = AttributeCache.builder().clock(clock).source(source(file)).build()) {
            assertThat(cache.get(ISSUER, "alice").isActive()).isTrue();
            rewrite(file, YAML.replace("subject: alice\n", "subject: alice\n    status: DISABLED\n"));
            clock.advance(INTERVAL);
            cache.revoke(ISSUER, "alice");
            assertThat(cache.get(ISSUER, "alice").status()).isEqualTo(PrincipalStatus.DISABLED);
        }
    }
}
