package dev.portcullis.jaxrs;

import dev.portcullis.Portcullis;
import dev.portcullis.servlet.PortcullisFilter;

import java.util.ArrayList;
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
    Runtimes.Deployed deploy(Map<String, String> engineSettings, Portcullis unused) throws Exception {
        Map<String, String> params = new HashMap<>(engineSettings);
        params.put(PortcullisFilter.PUBLIC_PATHS_PARAM, Runtimes.PUBLIC_PATHS);
        List<Class<?>> classes = new ArrayList<>(RESOURCES);
        classes.add(PortcullisFeature.class);
        return Runtimes.resteasyServlet(Runtimes.application(classes, List.of()), params);
    }
}
