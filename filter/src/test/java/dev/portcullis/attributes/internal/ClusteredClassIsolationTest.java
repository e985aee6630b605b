package dev.portcullis.attributes.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.net.URL;
import java.net.URLClassLoader;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import org.junit.jupiter.api.Test;

/**
 * Without {@link AttributeCache#CLUSTER_URI} nothing clustered is needed or loaded: the cache is
 * built and used in a class loader that lacks the {@code ehcache-clustered} jar, and
 * {@code ClusteredTier} is never loaded.
 */
class ClusteredClassIsolationTest {

    /** A class loader over the test class path, with or without the clustered jar, parent the platform's. */
    static final class Isolated extends URLClassLoader {
        Isolated(boolean withClusteredJar) throws Exception {
            super(urls(withClusteredJar), ClassLoader.getPlatformClassLoader());
        }

        boolean loaded(String name) {
            return findLoadedClass(name) != null;
        }

        private static URL[] urls(boolean withClusteredJar) throws Exception {
            String path = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
            List<URL> urls = new ArrayList<>();
            for (String entry : path.split(File.pathSeparator)) {
                if (entry.isEmpty() || (!withClusteredJar && new File(entry).getName().startsWith("ehcache-clustered"))) {
                    continue;
                }
                urls.add(new File(entry).toURI().toURL());
            }
            return urls.toArray(URL[]::new);
        }
    }

    @SuppressWarnings("unchecked")
    private static String run(Isolated loader, boolean cluster) throws Exception {
        Class<?> probe = loader.loadClass(LocalNodeProbe.class.getName());
        assertThat(probe.getClassLoader()).isSameAs(loader);
        Thread thread = Thread.currentThread();
        ClassLoader previous = thread.getContextClassLoader();
        thread.setContextClassLoader(loader); // as a container does for a web application
        try {
            return ((Callable<String>) probe.getConstructor(Boolean.class).newInstance(cluster)).call();
        } finally {
            thread.setContextClassLoader(previous);
        }
    }

    @Test
    void buildWhenNoClusterAndNoClusteredJarThenWorksAndLoadsNoClusteredClass() throws Exception {
        try (Isolated loader = new Isolated(false)) {
            assertThat(loader.getResource("org/ehcache/clustered/client/config/builders/"
                    + "ClusteringServiceConfigurationBuilder.class")).isNull();

            assertThat(run(loader, false)).isEqualTo("ACTIVE clustered=false");
            assertThat(loader.loaded("dev.portcullis.attributes.internal.AttributeCache")).isTrue();
            assertThat(loader.loaded("dev.portcullis.attributes.internal.ClusteredTier")).isFalse();
        }
    }

    @Test
    void buildWhenNoClusterAndClusteredJarPresentThenClusteredTierNotLoaded() throws Exception {
        try (Isolated loader = new Isolated(true)) {
            assertThat(loader.getResource("org/ehcache/clustered/client/config/builders/"
                    + "ClusteringServiceConfigurationBuilder.class")).isNotNull();

            assertThat(run(loader, false)).isEqualTo("ACTIVE clustered=false");
            assertThat(loader.loaded("dev.portcullis.attributes.internal.ClusteredTier")).isFalse();
            assertThat(loader.loaded("org.ehcache.clustered.client.config.builders.ClusteringServiceConfigurationBuilder"))
                    .isFalse();
        }
    }

    @Test
    void buildWhenClusterSetAndNoClusteredJarThenRefusedNamingTheSetting() throws Exception {
        try (Isolated loader = new Isolated(false)) {
            assertThat(run(loader, true)).isEqualTo("refused: " + AttributeCache.CLUSTER_URI
                    + ": clustered mode needs org.ehcache:ehcache-clustered on the class path");
            assertThat(loader.loaded("dev.portcullis.attributes.internal.ClusteredTier")).isFalse();
        }
    }
}
