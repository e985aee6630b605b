package dev.portcullis.jaxrs;

import dev.portcullis.Portcullis;
import dev.portcullis.servlet.PortcullisFilter;

import jakarta.servlet.DispatcherType;
import jakarta.servlet.Servlet;
import jakarta.ws.rs.core.Application;

import org.eclipse.jetty.ee10.servlet.FilterHolder;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.ee10.servlet.ServletHolder;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.glassfish.grizzly.http.server.HttpServer;
import org.glassfish.jersey.grizzly2.httpserver.GrizzlyHttpServerFactory;
import org.glassfish.jersey.server.ResourceConfig;
import org.glassfish.jersey.servlet.ServletContainer;
import org.jboss.resteasy.core.ResteasyDeploymentImpl;
import org.jboss.resteasy.plugins.server.servlet.HttpServletDispatcher;
import org.jboss.resteasy.spi.ResteasyDeployment;

import java.net.InetSocketAddress;
import java.net.URI;
import java.util.EnumSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;

/** Starts the same resources on Jersey (Grizzly, no servlet; servlet in Jetty) and RESTEasy (servlet in Jetty). */
final class Runtimes {
    /** Paths the servlet filter lets through without a token (the @PermitAll ones). */
    static final String PUBLIC_PATHS = "/open,/locked/public,/documents/help,/public/*";

    private Runtimes() {
    }

    /** A started server. */
    static final class Deployed implements AutoCloseable {
        final URI base;
        private final AutoCloseable stop;
        private final Supplier<Portcullis> engine;

        Deployed(URI base, AutoCloseable stop) {
            this(base, stop, () -> null);
        }

        Deployed(URI base, AutoCloseable stop, Supplier<Portcullis> engine) {
            this.base = base;
            this.stop = stop;
            this.engine = engine;
        }

        /** The servlet filter's engine, when one runs in front of JAX-RS; else null. */
        Portcullis filterEngine() {
            return engine.get();
        }

        @Override
        public void close() {
            try {
                stop.close();
            } catch (Exception e) {
                throw new IllegalStateException("stopping the server failed", e);
            }
        }
    }

    /** Jersey on Grizzly: no servlet API anywhere. */
    static Deployed jerseyGrizzly(ResourceConfig config) {
        HttpServer server = GrizzlyHttpServerFactory.createHttpServer(URI.create("http://127.0.0.1:0/"), config);
        int port = server.getListeners().iterator().next().getPort();
        return new Deployed(URI.create("http://127.0.0.1:" + port + "/"), server::shutdownNow);
    }

    /** Jersey's servlet in Jetty, optionally behind the Portcullis servlet filter. */
    static Deployed jerseyServlet(ResourceConfig config, Map<String, String> filterParams) throws Exception {
        return jetty(new ServletHolder(new ServletContainer(config)), filterParams, () -> { });
    }

    /** RESTEasy's servlet in Jetty, optionally behind the Portcullis servlet filter. */
    static Deployed resteasyServlet(Application application, Map<String, String> filterParams) throws Exception {
        ResteasyDeployment deployment = new ResteasyDeploymentImpl();
        deployment.setApplication(application);
        deployment.start();
        ServletHolder holder = new ServletHolder(new HttpServletDispatcher());
        return jetty(holder, filterParams, deployment::stop, deployment);
    }

    private static Deployed jetty(ServletHolder servlet, Map<String, String> filterParams, AutoCloseable after)
            throws Exception {
        return jetty(servlet, filterParams, after, null);
    }

    private static Deployed jetty(ServletHolder servlet, Map<String, String> filterParams, AutoCloseable after,
                                  ResteasyDeployment deployment) throws Exception {
        return jetty(servlet, filterParams, after, deployment, "/", "/*", Map.of(), Map.of(),
                EnumSet.of(DispatcherType.REQUEST));
    }

    /**
     * Jersey's or RESTEasy's servlet in Jetty behind the Portcullis servlet filter, in a web
     * application at {@code contextPath} with the servlet mapped at {@code mapping} (such as
     * {@code /api/*}) and these servlet context attributes; {@link Deployed#base} is the servlet's.
     */
    static Deployed behindFilterAt(boolean jersey, ResourceConfig config, Application application,
                                   Map<String, String> filterParams, String contextPath, String mapping,
                                   Map<String, Object> attributes) throws Exception {
        return behindFilterAt(jersey, config, application, filterParams, contextPath, mapping, attributes, Map.of(),
                EnumSet.of(DispatcherType.REQUEST));
    }

    /**
     * As above, with more servlets of the application beside the runtime's, by URL pattern, and
     * the filter mapped for {@code dispatches} ({@code null}: a mapping that names none, as a
     * web.xml {@code <filter-mapping>} without {@code <dispatcher>} elements).
     */
    static Deployed behindFilterAt(boolean jersey, ResourceConfig config, Application application,
                                   Map<String, String> filterParams, String contextPath, String mapping,
                                   Map<String, Object> attributes, Map<String, Servlet> more,
                                   EnumSet<DispatcherType> dispatches) throws Exception {
        if (jersey) {
            return jetty(new ServletHolder(new ServletContainer(config)), filterParams, () -> { }, null, contextPath,
                    mapping, attributes, more, dispatches);
        }
        ResteasyDeployment deployment = new ResteasyDeploymentImpl();
        deployment.setApplication(application);
        deployment.start();
        ServletHolder holder = new ServletHolder(new HttpServletDispatcher());
        holder.setInitParameter("resteasy.servlet.mapping.prefix", mapping.substring(0, mapping.length() - 2));
        return jetty(holder, filterParams, deployment::stop, deployment, contextPath, mapping, attributes, more,
                dispatches);
    }

    /**
     * Every filter and servlet is async-supported, as the README's registrations declare: the
     * container refuses {@code startAsync} (JAX-RS {@code @Suspended}, {@code CompletionStage},
     * an application's async servlet) if any of them is not.
     */
    private static Deployed jetty(ServletHolder servlet, Map<String, String> filterParams, AutoCloseable after,
                                  ResteasyDeployment deployment, String contextPath, String mapping,
                                  Map<String, Object> attributes, Map<String, Servlet> more,
                                  EnumSet<DispatcherType> dispatches) throws Exception {
        Server server = new Server(new InetSocketAddress("127.0.0.1", 0));
        ServletContextHandler context = new ServletContextHandler(contextPath);
        attributes.forEach(context::setAttribute);
        if (deployment != null) {
            context.setAttribute(ResteasyDeployment.class.getName(), deployment);
        }
        PortcullisFilter portcullisFilter = new PortcullisFilter();
        if (filterParams != null) {
            FilterHolder filter = new FilterHolder(portcullisFilter);
            filter.setName("portcullis");
            filter.setInitParameters(filterParams);
            filter.setAsyncSupported(true);
            context.addFilter(filter, "/*", dispatches);
        }
        servlet.setAsyncSupported(true);
        context.addServlet(servlet, mapping);
        more.forEach((pattern, s) -> {
            ServletHolder holder = new ServletHolder(s);
            holder.setAsyncSupported(true);
            context.addServlet(holder, pattern);
        });
        server.setHandler(context);
        server.start();
        int port = ((ServerConnector) server.getConnectors()[0]).getLocalPort();
        String base = (contextPath.equals("/") ? "" : contextPath) + mapping.substring(0, mapping.length() - 1);
        return new Deployed(URI.create("http://127.0.0.1:" + port + base), () -> {
            server.stop();
            after.close();
        }, portcullisFilter::engine);
    }

    /** A JAX-RS application of these classes and singletons, for RESTEasy. */
    static Application application(List<Class<?>> classes, List<Object> singletons) {
        return new Application() {
            @Override
            public Set<Class<?>> getClasses() {
                return new LinkedHashSet<>(classes);
            }

            @Override
            @SuppressWarnings("deprecation")
            public Set<Object> getSingletons() {
                return new LinkedHashSet<>(singletons);
            }
        };
    }
}
