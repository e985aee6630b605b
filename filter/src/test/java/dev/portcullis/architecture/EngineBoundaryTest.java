package dev.portcullis.architecture;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The rule docs/architecture.md states for the engine: no package of the filter module but
 * {@code dev.portcullis.servlet} names a servlet or JAX-RS type (imports or fully qualified uses),
 * so the engine runs under any adapter. The servlet package itself is checked to be found, so a
 * moved source tree cannot make this test pass by reading nothing.
 */
class EngineBoundaryTest {
    private static final Path SOURCES = Path.of("src/main/java/dev/portcullis");
    private static final Pattern CONTAINER_TYPE = Pattern.compile("\\b(jakarta|javax)\\.(servlet|ws\\.rs)\\b");

    @Test
    void enginePackagesWhenScannedThenNameNoServletOrJaxrsType() throws IOException {
        List<String> offenders = new ArrayList<>();
        int engineFiles = 0;
        int servletFiles = 0;
        try (Stream<Path> files = Files.walk(SOURCES)) {
            for (Path file : (Iterable<Path>) files.filter(f -> f.toString().endsWith(".java"))::iterator) {
                boolean adapter = SOURCES.relativize(file).startsWith("servlet");
                String text = Files.readString(file, StandardCharsets.UTF_8);
                Matcher m = CONTAINER_TYPE.matcher(text);
                if (adapter) {
                    servletFiles += m.find() ? 1 : 0;
                } else {
                    engineFiles++;
                    if (m.find()) {
                        offenders.add(SOURCES.relativize(file) + ": " + m.group());
                    }
                }
            }
        }
        assertThat(engineFiles).as("engine sources read").isGreaterThan(50);
        assertThat(servletFiles).as("servlet adapter sources that do use the servlet API").isGreaterThan(0);
        assertThat(offenders).as("engine sources naming container types").isEmpty();
    }
}
