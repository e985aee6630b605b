package dev.portcullis.config;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Every setting name is declared once, in {@link SettingNames}: no other main source of the
 * filter or JAX-RS module spells a {@code "portcullis.*"} setting as a string literal, and the
 * README's configuration table lists exactly the declared names.
 */
class SettingNamesTest {
    private static final List<Path> SOURCES = List.of(Path.of("src/main/java"), Path.of("../jaxrs/src/main/java"));
    private static final Path DECLARATION = Path.of("dev/portcullis/config/SettingNames.java");
    private static final Path README = Path.of("../README.md");
    private static final Pattern LITERAL = Pattern.compile("\"(portcullis\\.[A-Za-z0-9_.<>-]+)\"");
    /** {@code portcullis.*} literals that are not settings: the properties file's name and the decision logger's. */
    private static final Set<String> NOT_SETTINGS = Set.of("portcullis.properties", "portcullis.decision");

    @Test
    void mainSourcesWhenScannedThenSettingLiteralsOnlyInSettingNames() throws IOException {
        List<String> offenders = new ArrayList<>();
        Map<String, Integer> declared = new HashMap<>();
        int filesRead = 0;
        for (Path root : SOURCES) {
            try (Stream<Path> files = Files.walk(root)) {
                for (Path file : (Iterable<Path>) files.filter(f -> f.toString().endsWith(".java"))::iterator) {
                    filesRead++;
                    boolean declaration = root.relativize(file).equals(DECLARATION);
                    Matcher m = LITERAL.matcher(Files.readString(file, StandardCharsets.UTF_8));
                    while (m.find()) {
                        if (declaration) {
                            declared.merge(m.group(1), 1, Integer::sum);
                        } else if (!NOT_SETTINGS.contains(m.group(1))) {
                            offenders.add(root.relativize(file) + ": \"" + m.group(1) + "\"");
                        }
                    }
                }
            }
        }
        assertThat(filesRead).as("main sources read").isGreaterThan(100);
        assertThat(offenders).as("setting names spelled outside SettingNames").isEmpty();
        assertThat(declared.keySet()).as("literals in SettingNames.java").isEqualTo(SettingNames.all());
        assertThat(declared).as("names declared more than once").allSatisfy((name, count) -> assertThat(count).as(name).isEqualTo(1));
        assertThat(SettingNames.all()).contains(SettingNames.REALM, SettingNames.ISSUER).hasSizeGreaterThan(70);
    }

    @Test
    void readmeConfigurationTableWhenReadThenListsExactlyTheDeclaredNames() throws IOException {
        String readme = Files.readString(README, StandardCharsets.UTF_8);
        int start = readme.indexOf("\n## Configuration\n");
        assertThat(start).as("README has a Configuration section").isPositive();
        int end = readme.indexOf("\n## ", start + 1);
        Set<String> listed = new TreeSet<>();
        Set<String> templates = new TreeSet<>();
        Pattern name = Pattern.compile("`(portcullis\\.[^`]+|\\.[a-z-]+)`");
        for (String line : readme.substring(start, end).split("\n")) {
            if (!line.startsWith("| `portcullis.")) {
                continue;
            }
            String first = line.substring(1, line.indexOf('|', 1));
            Matcher m = name.matcher(first);
            String base = null;
            while (m.find()) {
                String n = m.group(1);
                if (n.startsWith(".")) {
                    n = base.substring(0, base.lastIndexOf('.')) + n;
                } else {
                    base = n;
                }
                (n.contains("<") ? templates : listed).add(n);
            }
        }
        assertThat(listed).as("names in the README's configuration table").isEqualTo(SettingNames.all());
        assertThat(templates).as("per-issuer names in the table").isNotEmpty().allSatisfy(t ->
                assertThat(t).startsWith(SettingNames.ISSUERS + ".<name>."));
    }
}
