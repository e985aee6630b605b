package dev.portcullis.demo;

import dev.portcullis.Portcullis;
import dev.portcullis.jaxrs.PortcullisFeature;
import dev.portcullis.jaxrs.QueryPlans;

import jakarta.servlet.ServletContext;
import jakarta.ws.rs.ApplicationPath;
import jakarta.ws.rs.core.Context;

import org.glassfish.jersey.server.ResourceConfig;

/**
 * The demo's JAX-RS application under {@code /api}. It takes the engine the servlet filter built
 * (so the token is verified once, and startup fails if an annotation names an action no policy
 * covers) and registers {@link PortcullisFeature}.
 */
@ApplicationPath("/api")
public class DemoApplication extends ResourceConfig {
    public DemoApplication(@Context ServletContext context) {
        Portcullis engine = (Portcullis) context.getAttribute(Portcullis.ENGINE_ATTRIBUTE);
        if (engine == null) {
            throw new IllegalStateException("the Portcullis filter must start before the JAX-RS application");
        }
        DocumentStore store = new DocumentStore(DemoSettings.get(context, DemoDatabase.URL, null));
        register(new PortcullisFeature(engine));
        register(new DocumentResource(store));
        register(new DocumentListResource(store, new QueryPlans(engine)));
        register(new AdminResource(engine, store));
        register(new DecisionHeader());
    }
}
