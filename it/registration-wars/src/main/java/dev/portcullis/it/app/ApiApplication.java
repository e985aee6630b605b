package dev.portcullis.it.app;

import jakarta.ws.rs.ApplicationPath;
import jakarta.ws.rs.core.Application;

/**
 * JAX-RS under {@code /api}: returns no classes, so the runtime takes the scanned {@code @Path}
 * and {@code @Provider} classes, PortcullisFeature among them.
 */
@ApplicationPath("/api")
public class ApiApplication extends Application {
}
