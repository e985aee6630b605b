package dev.portcullis.servlet;

import dev.portcullis.internal.ApplicationEngines;

import jakarta.servlet.ServletContextEvent;
import jakarta.servlet.ServletContextListener;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Closes, when the web application stops, the engines that JAX-RS features built for it and that
 * their runtime has not closed (see {@link ApplicationEngines}). Added to every context by
 * {@link PortcullisInitializer}; the container calls it after the application's servlets (and so
 * the JAX-RS runtimes) have been destroyed.
 *
 * <p>Thread safety: stateless.
 */
final class ApplicationEnginesCloser implements ServletContextListener {
    private static final Logger LOG = LoggerFactory.getLogger(ApplicationEnginesCloser.class);

    /**
     * Nothing to do at start. Declared although Servlet 4 has a default: the javax edition also
     * runs on Servlet 3.1 containers (Jetty 9.4), whose interface has none.
     */
    @Override
    public void contextInitialized(ServletContextEvent event) {
        // engines register themselves when a JAX-RS feature builds one
    }

    @Override
    public void contextDestroyed(ServletContextEvent event) {
        ClassLoader loader = event.getServletContext().getClassLoader();
        int closed = ApplicationEngines.closeAll(loader != null ? loader : Thread.currentThread().getContextClassLoader());
        if (closed > 0) {
            LOG.info("Portcullis: closed {} engine(s) built by JAX-RS features that their runtime left open", closed);
        }
    }
}
