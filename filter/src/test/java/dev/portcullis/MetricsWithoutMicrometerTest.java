package dev.portcullis;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.File;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Micrometer is optional: in a class loader holding the test class path without Micrometer's
 * jars, an engine builds, decides and reports its health, with no metrics and no
 * {@link NoClassDefFoundError}; beside it, with Micrometer, the same probe gets the Micrometer
 * implementation.
 */
class MetricsWithoutMicrometerTest {
    @TempDir
    Path dir;

    @Test
    void engineWhenMicrometerMissingThenDecidesWithoutMetrics() throws Exception {
        List<URL> urls = new ArrayList<>();
        int hidden = 0;
        String classPath = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
        for (String entry : classPath.split(File.pathSeparator)) {
            if (entry.replace('\\', '/').contains("/io/micrometer/")) {
                hidden++;
                continue;
            }
            urls.add(new File(entry).toURI().toURL());
        }
        assertThat(hidden).as("Micrometer was on the test class path, and is now left out").isPositive();
        try (URLClassLoader loader = new URLClassLoader(urls.toArray(new URL[0]), ClassLoader.getPlatformClassLoader())) {
            assertThatThrownBy(() -> Class.forName("io.micrometer.core.instrument.MeterRegistry", false, loader))
                    .isInstanceOf(ClassNotFoundException.class);
            @SuppressWarnings("unchecked")
            Function<Path, String> probe = (Function<Path, String>) loader.loadClass(NoMicrometerProbe.class.getName())
                    .getConstructor().newInstance();

            // as in a web application: the libraries (Ehcache's service loading) use the context class loader
            Thread self = Thread.currentThread();
            ClassLoader previous = self.getContextClassLoader();
            self.setContextClassLoader(loader);
            try {
                assertThat(probe.apply(dir.resolve("without"))).isEqualTo("ADMITTED ACCESS_DENIED UP EngineMetrics.NONE");
            } finally {
                self.setContextClassLoader(previous);
            }
        }
        assertThat(new NoMicrometerProbe().apply(dir.resolve("with"))).as("positive twin: with Micrometer")
                .startsWith("ADMITTED ACCESS_DENIED UP MicrometerMetrics[");
    }
}
