package dev.portcullis.policy;

import dev.portcullis.config.ConfigurationException;
import dev.portcullis.config.SettingNames;

/**
 * A policy set could not be loaded: unreadable or malformed file, unknown or unsupported field,
 * CEL that does not compile or type-check, dangling import. The message names the file, the line
 * when known, and the problem, e.g. {@code policies/doc.yaml:12: unknown field 'rolez'}.
 * Thrown at startup (or by a reload, which then keeps the previous set). It is a
 * {@link ConfigurationException} of {@value SettingNames#POLICY_DIR}, so a policy that does not load
 * fails startup like any other bad setting; its message is not prefixed with the setting's name
 * ({@link #describe()} adds it).
 *
 * <p>Thread safety: immutable.
 */
public final class PolicyLoadException extends ConfigurationException {
    private static final long serialVersionUID = 1L;

    private final String file;
    private final int line;

    /**
     * @param file the file at fault (as given to the loader), or null
     * @param line the 1-based line, or 0 when unknown
     * @param problem what is wrong
     */
    public PolicyLoadException(String file, int line, String problem) {
        this(file, line, problem, null);
    }

    public PolicyLoadException(String file, int line, String problem, Throwable cause) {
        super(SettingNames.POLICY_DIR, location(file, line) + problem, cause, true);
        this.file = file;
        this.line = line;
    }

    private static String location(String file, int line) {
        if (file == null) {
            return "";
        }
        return line > 0 ? file + ":" + line + ": " : file + ": ";
    }

    /** The file at fault, or null. */
    public String file() {
        return file;
    }

    /** The 1-based line at fault, or 0 when unknown. */
    public int line() {
        return line;
    }
}
