package dev.portcullis.jaxrs;

import dev.portcullis.Portcullis;
import dev.portcullis.config.Settings;

import org.glassfish.jersey.server.ResourceConfig;

/** Jersey on Grizzly, with no servlet API: the feature verifies tokens itself. */
class JerseyGrizzlyTest extends JaxrsContract {
    @Override
    Runtimes.Deployed deploy(TokenMint mint) {
        Portcullis engine = Portcullis.fromSettings(Settings.of(mint.settings()));
        return Runtimes.jerseyGrizzly(new ResourceConfig(TestResources.OpenResource.class,
                TestResources.ThingResource.class, TestResources.LockedResource.class)
                .register(new PortcullisFeature(engine)));
    }
}
