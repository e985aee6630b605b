package dev.portcullis.jaxrs;

import dev.portcullis.Portcullis;
import dev.portcullis.config.Settings;
import dev.portcullis.internal.ApplicationEngines;

import jakarta.ws.rs.core.Application;

import org.glassfish.jersey.server.ResourceConfig;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.Map;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The engine a {@link PortcullisFeature} builds from settings is closed when the application stops
 * (its {@code portcullis-decision-log} thread, one per engine, is the probe), on Jersey (Grizzly,
 * no servlet API) whether the feature is registered as an instance or by class, and on RESTEasy
 * through {@link ApplicationEngines} (what the servlet listener calls); an engine given to the
 * feature is never closed by it.
 */
class FeatureShutdownTest {
    private TokenMint mint;

    @BeforeEach
    void mint(@TempDir Path dir) {
        mint = new TokenMint(dir);
    }

    private ResourceConfig jersey() {
        ResourceConfig config = new ResourceConfig().registerClasses(TestResources.ThingResource.class);
        mint.settings().forEach(config::property);
        return config;
    }

    private void assertGuards(Runtimes.Deployed deployed) {
        assertThat(Http.get(deployed.base, "/things/plain", null).statusCode()).isEqualTo(401);
        HttpResponse<String> ok = Http.get(deployed.base, "/things/plain", mint.token("alice"));
        assertThat(ok.statusCode()).as(ok.body()).isEqualTo(200);
    }

    @Test
    void jerseyStopWhenFeatureInstanceBuiltItsEngineThenEngineIsClosed() {
        int before = decisionLogThreads();
        try (Runtimes.Deployed deployed = Runtimes.jerseyGrizzly(jersey().register(new PortcullisFeature()))) {
            assertGuards(deployed);
            assertThat(decisionLogThreads()).isEqualTo(before + 1);
        }
        assertThat(decisionLogThreads()).isEqualTo(before);
    }

    @Test
    void jerseyStopWhenFeatureClassBuiltItsEngineThenEngineIsClosed() {
        int before = decisionLogThreads();
        try (Runtimes.Deployed deployed = Runtimes.jerseyGrizzly(jersey().register(PortcullisFeature.class))) {
            assertGuards(deployed);
            assertThat(decisionLogThreads()).isEqualTo(before + 1);
        }
        assertThat(decisionLogThreads()).isEqualTo(before);
    }

    @Test
    void jerseyStopWhenFeatureWasGivenTheEngineThenEngineStaysOpenForItsOwner() {
        int before = decisionLogThreads();
        Portcullis engine = Portcullis.fromSettings(Settings.of(mint.settings()));
        try {
            try (Runtimes.Deployed deployed = Runtimes.jerseyGrizzly(new ResourceConfig()
                    .registerClasses(TestResources.ThingResource.class).register(new PortcullisFeature(engine)))) {
                assertGuards(deployed);
            }
            assertThat(decisionLogThreads()).isEqualTo(before + 1);
        } finally {
            engine.close();
        }
        assertThat(decisionLogThreads()).isEqualTo(before);
    }

    @Test
    void jerseyDeploymentWhenItFailsAfterTheFeatureBuiltItsEngineThenEngineIsClosed() {
        int before = decisionLogThreads();
        ResourceConfig config = new ResourceConfig().registerClasses(TestResources.DocumentResource.class)
                .register(new PortcullisFeature());
        mint.settings().forEach(config::property); // no policies: @RequiresPermission is not covered
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> Runtimes.jerseyGrizzly(config).close())
                .hasStackTraceContaining("which no loaded policy covers");
        assertThat(decisionLogThreads()).isEqualTo(before);
    }

    @Test
    void resteasyStopWhenFeatureBuiltItsEngineThenTheServletListenerClosesIt() throws Exception {
        ClassLoader application = Thread.currentThread().getContextClassLoader();
        ApplicationEngines.closeAll(application); // whatever earlier tests in this JVM left open
        int before = decisionLogThreads();
        Application app = new Application() {
            @Override
            public Set<Class<?>> getClasses() {
                return Set.of(TestResources.ThingResource.class, PortcullisFeature.class);
            }

            @Override
            public Map<String, Object> getProperties() {
                return Map.copyOf(mint.settings());
            }
        };
        try (Runtimes.Deployed deployed = Runtimes.resteasyServlet(app, null)) {
            assertGuards(deployed);
            // RESTEasy makes more than one instance of a feature class registered by class: they
            // share one engine, so a request is authenticated and authorized by the same one
            assertThat(decisionLogThreads()).as("engines built for one application").isEqualTo(before + 1);
        }
        // RESTEasy 6.2 tells no provider that the application stops: the engine is still open...
        assertThat(decisionLogThreads()).isEqualTo(before + 1);
        // ...until the servlet container ends the application (ApplicationEnginesCloser), which
        // closes every feature instance; the last one closes the shared engine
        assertThat(ApplicationEngines.closeAll(application)).as("feature instances").isPositive();
        assertThat(decisionLogThreads()).isEqualTo(before);
    }

    private static int decisionLogThreads() {
        return (int) Thread.getAllStackTraces().keySet().stream()
                .filter(t -> t.isAlive() && t.getName().equals("portcullis-decision-log")).count();
    }
}
