package dev.portcullis.jaxrs;

import dev.portcullis.Portcullis;
import dev.portcullis.config.Settings;

import java.util.List;

/** RESTEasy's servlet in Jetty, with no Portcullis servlet filter: the feature verifies tokens itself. */
class ResteasyServletTest extends JaxrsContract {
    @Override
    Runtimes.Deployed deploy(TokenMint mint) throws Exception {
        Portcullis engine = Portcullis.fromSettings(Settings.of(mint.settings()));
        return Runtimes.resteasyServlet(Runtimes.application(
                List.of(TestResources.OpenResource.class, TestResources.ThingResource.class,
                        TestResources.LockedResource.class),
                List.of(new PortcullisFeature(engine))), null);
    }
}
