package dev.portcullis.jaxrs;

import dev.portcullis.Portcullis;

import java.util.List;

/** Annotation inheritance and sub-resource locators on RESTEasy (servlet in Jetty). */
class ResteasyInheritanceTest extends InheritanceContract {
    @Override
    Runtimes.Deployed deploy(Portcullis engine) throws Exception {
        return Runtimes.resteasyServlet(Runtimes.application(InheritanceResources.ALL,
                List.of(new PortcullisFeature(engine))), null);
    }
}
