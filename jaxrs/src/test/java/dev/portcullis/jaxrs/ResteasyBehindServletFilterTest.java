package dev.portcullis.jaxrs;

import dev.portcullis.servlet.PortcullisFilter;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * RESTEasy's servlet in Jetty behind the Portcullis servlet filter; the feature is listed by
 * class (no-argument constructor) and takes the filter's engine and verified identity from the
 * request.
 */
class ResteasyBehindServletFilterTest extends JaxrsContract {
    @Override
    Runtimes.Deployed deploy(TokenMint mint) throws Exception {
        Map<String, String> params = new HashMap<>(mint.settings());
        params.put(PortcullisFilter.PUBLIC_PATHS_PARAM, Runtimes.PUBLIC_PATHS);
        return Runtimes.resteasyServlet(Runtimes.application(
                List.of(TestResources.OpenResource.class, TestResources.ThingResource.class,
                        TestResources.LockedResource.class, PortcullisFeature.class),
                List.of()), params);
    }
}
