package dev.portcullis.jaxrs;

import dev.portcullis.Portcullis;

import org.glassfish.jersey.server.ResourceConfig;

import java.util.Map;

/** Jersey on Grizzly, with no servlet API: the feature verifies tokens itself. */
class JerseyGrizzlyTest extends JaxrsContract {
    @Override
    Runtimes.Deployed deploy(Map<String, String> engineSettings, Portcullis engine) {
        return Runtimes.jerseyGrizzly(new ResourceConfig().registerClasses(new java.util.HashSet<>(RESOURCES))
                .register(new PortcullisFeature(engine)));
    }
}
