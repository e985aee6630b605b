package dev.portcullis.demo;

import dev.portcullis.servlet.PortcullisFilter;

import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;

import jakarta.servlet.ServletContext;
import jakarta.servlet.ServletContextEvent;
import jakarta.servlet.ServletContextListener;

/**
 * Gives the Portcullis filter, before it starts, what the demo console shows: a Prometheus meter
 * registry (context attribute {@value PortcullisFilter#METRICS_REGISTRY_ATTRIBUTE}; {@code /metrics}
 * serves it) and a listener keeping the last decision-log lines
 * ({@value PortcullisFilter#DECISION_LISTENER_ATTRIBUTE}; {@code /console/decisions} serves them).
 * Listeners start before filters, so the filter's engine is built with both.
 */
public final class DemoConsole implements ServletContextListener {
    static final String REGISTRY = PortcullisFilter.METRICS_REGISTRY_ATTRIBUTE;
    static final String RECENT = "dev.portcullis.demo.recent-decisions";

    @Override
    public void contextInitialized(ServletContextEvent event) {
        ServletContext context = event.getServletContext();
        RecentDecisions recent = new RecentDecisions(RecentDecisions.DEFAULT_SIZE);
        context.setAttribute(REGISTRY, new PrometheusMeterRegistry(PrometheusConfig.DEFAULT));
        context.setAttribute(PortcullisFilter.DECISION_LISTENER_ATTRIBUTE, recent);
        context.setAttribute(RECENT, recent);
    }

    @Override
    public void contextDestroyed(ServletContextEvent event) {
        Object registry = event.getServletContext().getAttribute(REGISTRY);
        if (registry instanceof PrometheusMeterRegistry) {
            ((PrometheusMeterRegistry) registry).close();
        }
    }
}
