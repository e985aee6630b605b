package dev.portcullis.jaxrs;

import dev.portcullis.Portcullis;
import dev.portcullis.servlet.PortcullisFilter;

import org.glassfish.jersey.server.ResourceConfig;

import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;

/**
 * Jersey's servlet in Jetty behind the Portcullis servlet filter; the feature is registered by
 * class (no-argument constructor) and takes the filter's engine and verified identity from the
 * request.
 */
class JerseyBehindServletFilterTest extends JaxrsContract {
    @Override
    Runtimes.Deployed deploy(Map<String, String> engineSettings, Portcullis unused) throws Exception {
        Map<String, String> params = new HashMap<>(engineSettings);
        params.put(PortcullisFilter.PUBLIC_PATHS_PARAM, Runtimes.PUBLIC_PATHS);
        return Runtimes.jerseyServlet(new ResourceConfig().registerClasses(new HashSet<>(RESOURCES))
                .register(PortcullisFeature.class), params);
    }
}
