package dev.portcullis.jaxrs;

import jakarta.ws.rs.core.FeatureContext;

import org.glassfish.jersey.server.spi.Container;
import org.glassfish.jersey.server.spi.ContainerLifecycleListener;

/**
 * Jersey's end of an application ({@code ContainerLifecycleListener.onShutdown}, called when the
 * servlet or HTTP container stops the application or reloads it) closes the engine a
 * {@link PortcullisFeature} built. Jersey calls {@code @PreDestroy} only on features it
 * instantiated itself; this covers feature instances registered by the application.
 *
 * <p>Loaded only where Jersey is (its {@code jersey-server} is an optional dependency of this
 * module): {@link PortcullisFeature} checks that Jersey is there, without touching this class,
 * before it calls {@link #register}.
 *
 * <p>Thread safety: immutable; Jersey calls it once.
 */
final class JerseyShutdown implements ContainerLifecycleListener {
    private final AutoCloseable feature;

    private JerseyShutdown(AutoCloseable feature) {
        this.feature = feature;
    }

    static void register(FeatureContext context, AutoCloseable feature) {
        context.register(new JerseyShutdown(feature));
    }

    @Override
    public void onStartup(Container container) {
    }

    @Override
    public void onReload(Container container) {
    }

    @Override
    public void onShutdown(Container container) {
        try {
            feature.close();
        } catch (Exception e) {
            throw new IllegalStateException("closing the Portcullis engine failed", e);
        }
    }
}
