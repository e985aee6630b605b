package dev.portcullis.jaxrs;

import dev.portcullis.Portcullis;

import org.glassfish.jersey.server.ResourceConfig;

/** {@link QueryPlansContract} on Jersey (Grizzly, no servlet API). */
class JerseyQueryPlansTest extends QueryPlansContract {
    @Override
    Runtimes.Deployed deploy(Portcullis engine, Object listResource) {
        return Runtimes.jerseyGrizzly(new ResourceConfig().register(listResource)
                .register(new PortcullisFeature(engine)));
    }
}
