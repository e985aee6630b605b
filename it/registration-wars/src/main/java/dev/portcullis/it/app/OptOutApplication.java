package dev.portcullis.it.app;

import jakarta.ws.rs.ApplicationPath;
import jakarta.ws.rs.core.Application;

import java.util.Map;

/** The same scanned classes under {@code /api-optout}, with the discovered feature switched off. */
@ApplicationPath("/api-optout")
public class OptOutApplication extends Application {
    @Override
    public Map<String, Object> getProperties() {
        return Map.of("portcullis.jaxrs.auto-register", "false");
    }
}
