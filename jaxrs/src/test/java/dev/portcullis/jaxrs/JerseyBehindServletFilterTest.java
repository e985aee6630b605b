package dev.portcullis.jaxrs;

import dev.portcullis.servlet.PortcullisFilter;

import org.glassfish.jersey.server.ResourceConfig;

import java.util.Map;

/**
 * Jersey's servlet in Jetty behind the Portcullis servlet filter; the feature is registered by
 * class (no-argument constructor) and takes the filter's engine and verified identity from the
 * request.
 */
class JerseyBehindServletFilterTest extends JaxrsContract {
    @Override
    Runtimes.Deployed deploy(TokenMint mint) throws Exception {
        Map<String, String> params = new java.util.HashMap<>(mint.settings());
        params.put(PortcullisFilter.PUBLIC_PATHS_PARAM, Runtimes.PUBLIC_PATHS);
        return Runtimes.jerseyServlet(new ResourceConfig(TestResources.OpenResource.class,
                TestResources.ThingResource.class, TestResources.LockedResource.class)
                .register(PortcullisFeature.class), params);
    }
}
