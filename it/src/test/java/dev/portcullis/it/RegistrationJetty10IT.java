package dev.portcullis.it;

/** The javax registration WARs on jetty-home 10.0 ({@code annotations,jsp}). */
class RegistrationJetty10IT extends JavaxJettyRegistration {
    RegistrationJetty10IT() {
        super(JettyDistribution.Line.JETTY_10, "jetty-10.0");
    }
}
