package dev.portcullis.it;

/**
 * The javax registration WARs on jetty-home 9.4 ({@code annotations,jsp}): Servlet 3.1, whose
 * {@code ServletContextListener} and {@code Filter} have no default methods, so every listener and
 * filter the WARs and Portcullis bring implements all of its methods.
 */
class RegistrationJetty94IT extends JavaxJettyRegistration {
    RegistrationJetty94IT() {
        super(JettyDistribution.Line.JETTY_9_4, "jetty-9.4");
    }
}
