package dev.portcullis.jaxrs;

import dev.portcullis.Portcullis;

import java.util.List;

/** {@link QueryPlansContract} on RESTEasy's servlet in Jetty. */
class ResteasyQueryPlansTest extends QueryPlansContract {
    @Override
    Runtimes.Deployed deploy(Portcullis engine, Object listResource) throws Exception {
        return Runtimes.resteasyServlet(Runtimes.application(List.of(),
                List.of(listResource, new PortcullisFeature(engine))), null);
    }
}
