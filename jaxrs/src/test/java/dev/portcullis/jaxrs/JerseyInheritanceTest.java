package dev.portcullis.jaxrs;

import dev.portcullis.Portcullis;

import org.glassfish.jersey.server.ResourceConfig;

import java.util.HashSet;

/** Annotation inheritance and sub-resource locators on Jersey (Grizzly). */
class JerseyInheritanceTest extends InheritanceContract {
    @Override
    Runtimes.Deployed deploy(Portcullis engine) {
        return Runtimes.jerseyGrizzly(new ResourceConfig().registerClasses(new HashSet<>(InheritanceResources.ALL))
                .register(new PortcullisFeature(engine)));
    }
}
