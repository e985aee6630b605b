package dev.portcullis.config;

/**
 * Thrown at startup when a setting is missing, malformed or unsafe. The message always names the
 * setting (and the offending value, unless it is a secret), so that a deployment fails loudly and
 * says why.
 */
public final class ConfigurationException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final String setting;

    public ConfigurationException(String setting, String message) {
        super(setting + ": " + message);
        this.setting = setting;
    }

    public ConfigurationException(String setting, String message, Throwable cause) {
        super(setting + ": " + message, cause);
        this.setting = setting;
    }

    /** The name of the offending setting, e.g. {@code portcullis.audience}. */
    public String setting() {
        return setting;
    }
}
