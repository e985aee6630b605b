package dev.portcullis.it.app.annotation;

import dev.portcullis.it.app.PrincipalProbe;

import jakarta.servlet.DispatcherType;
import jakarta.servlet.FilterRegistration;
import jakarta.servlet.ServletContextEvent;
import jakarta.servlet.ServletContextListener;
import jakarta.servlet.annotation.WebListener;

import java.util.EnumSet;

/**
 * The order of {@code @WebFilter} classes is not defined, so an application without web.xml that
 * has its own principal-reading filter adds it with {@code isMatchAfter=true}: after every declared
 * filter, Portcullis included.
 */
@WebListener
public class ProbeRegistrar implements ServletContextListener {
    @Override
    public void contextInitialized(ServletContextEvent event) {
        FilterRegistration.Dynamic probe = event.getServletContext().addFilter("principal-probe", PrincipalProbe.class);
        probe.setAsyncSupported(true);
        probe.addMappingForUrlPatterns(EnumSet.of(DispatcherType.REQUEST), true, "/*");
    }

    /** Declared for Servlet 3.1 containers (Jetty 9.4), whose interface has no default. */
    @Override
    public void contextDestroyed(ServletContextEvent event) {
        // nothing registered needs closing
    }
}
