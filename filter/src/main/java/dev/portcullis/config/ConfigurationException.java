package dev.portcullis.config;

/**
 * Thrown at startup when a setting is missing, malformed or unsafe, or when a builder is given a
 * value its setting would refuse. The message always names the setting (and the offending value,
 * unless it is a secret), so that a deployment fails loudly and says why:
 * {@code portcullis.clock-skew: clock skew must be between 0 and 5 minutes, was PT10M}.
 *
 * <p>It is the one exception type for bad configuration: the servlet filter and the JAX-RS feature
 * turn it into a failed startup naming {@link #setting()}. Subtypes (policy files that do not load)
 * may carry a message with its own location, see {@link #describe()}.
 *
 * <p>Thread safety: immutable.
 */
public class ConfigurationException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final String setting;
    private final String problem;

    /**
     * @param setting the setting at fault, e.g. {@link SettingNames#AUDIENCE}
     * @param problem what is wrong with it
     */
    public ConfigurationException(String setting, String problem) {
        this(setting, problem, null);
    }

    public ConfigurationException(String setting, String problem, Throwable cause) {
        super(setting + ": " + problem, cause);
        this.setting = setting;
        this.problem = problem;
    }

    /**
     * For subtypes whose message is not prefixed with the setting (a policy file names its own
     * file and line).
     */
    protected ConfigurationException(String setting, String message, Throwable cause, boolean unused) {
        super(message, cause);
        this.setting = setting;
        this.problem = message;
    }

    /** The name of the offending setting, e.g. {@code portcullis.audience}. */
    public String setting() {
        return setting;
    }

    /** What is wrong, without the setting's name. */
    public String problem() {
        return problem;
    }

    /** The message, starting with the setting's name: what a failed startup reports. */
    public String describe() {
        String message = getMessage();
        return message.startsWith(setting + ": ") ? message : setting + ": " + message;
    }
}
