package dev.portcullis.jaxrs;

import dev.portcullis.Portcullis;

import java.util.List;
import java.util.Map;

/** RESTEasy's servlet in Jetty, with no Portcullis servlet filter: the feature verifies tokens itself. */
class ResteasyServletTest extends JaxrsContract {
    @Override
    Runtimes.Deployed deploy(Map<String, String> engineSettings, Portcullis engine) throws Exception {
        return Runtimes.resteasyServlet(Runtimes.application(RESOURCES, List.of(new PortcullisFeature(engine))), null);
    }

    @Override
    boolean runtimeOptionsGuarded() {
        return false; // README, "JAX-RS": RESTEasy answers OPTIONS itself, before the feature's filters
    }
}
