package dev.portcullis.internal;

/**
 * A YAML or JSON file that {@link YamlReader} refuses: a syntax error or a broken limit. The
 * message is {@code file:line: problem} (or {@code file: problem} when no line is known); each
 * format turns it into its own exception (policy load error, configuration error, rejected file).
 *
 * <p>Internal API: not for use outside Portcullis. Thread safety: immutable.
 */
public final class YamlInputException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final String file;
    private final int line;
    private final String problem;

    YamlInputException(String file, int line, String problem) {
        this(file, line, problem, null);
    }

    YamlInputException(String file, int line, String problem, Throwable cause) {
        super((line > 0 ? file + ":" + line : file) + ": " + problem, cause);
        this.file = file;
        this.line = line;
        this.problem = problem;
    }

    /** The file, as the caller named it. */
    public String file() {
        return file;
    }

    /** The 1-based line, or 0 when unknown. */
    public int line() {
        return line;
    }

    /** What is wrong, without the location. */
    public String problem() {
        return problem;
    }

    /** {@code file:line}, or {@code file} when no line is known. */
    public String location() {
        return line > 0 ? file + ":" + line : file;
    }
}
