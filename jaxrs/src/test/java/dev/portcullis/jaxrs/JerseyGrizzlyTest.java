package dev.portcullis.jaxrs;

import dev.portcullis.Portcullis;

import org.glassfish.jersey.server.ResourceConfig;

import org.junit.jupiter.api.Test;

import java.net.http.HttpResponse;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** Jersey on Grizzly, with no servlet API: the feature verifies tokens itself. */
class JerseyGrizzlyTest extends JaxrsContract {
    @Override
    Runtimes.Deployed deploy(Map<String, String> engineSettings, Portcullis engine) {
        return Runtimes.jerseyGrizzly(new ResourceConfig().registerClasses(new java.util.HashSet<>(RESOURCES))
                .register(new PortcullisFeature(engine)));
    }

    /** Jersey's own WADL resource is an unannotated endpoint: guarded like the application's. */
    @Test
    void wadlWhenNoTokenThen401AndWithATokenServed() {
        HttpResponse<String> anonymous = get("application.wadl", null);
        HttpResponse<String> bob = get("application.wadl", mint.token("bob"));

        assertRefused(anonymous, 401, "missing_token");
        assertThat(bob.statusCode()).as("positive control: WADL is on (the filter module brings JAXB)").isEqualTo(200);
        assertThat(bob.body()).contains("<application").contains("things");
    }
}
