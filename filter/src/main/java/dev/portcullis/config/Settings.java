package dev.portcullis.config;

import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Function;

/**
 * A read-only view of Portcullis settings by their public names ({@code portcullis.issuer},
 * {@code portcullis.hygiene.authorization}...), with typed accessors that fail with a
 * {@link ConfigurationException} naming the setting.
 *
 * <p>Settings are layered; the first layer that has a name wins:
 * <ol>
 *   <li>Java system property {@code portcullis.<name>};</li>
 *   <li>environment variable {@code PORTCULLIS_<NAME>} (dots and dashes become underscores, upper
 *       case: {@code portcullis.jwks-uri} is {@code PORTCULLIS_JWKS_URI});</li>
 *   <li>the explicit values given to {@link #of(Map, Map, Map)} (servlet init-params);</li>
 *   <li>the properties file named by the {@code config} init-param.</li>
 * </ol>
 * Values are trimmed; an empty value counts as absent.
 *
 * <p>Thread safety: immutable.
 */
public final class Settings {
    /** Prefix of every setting name. */
    public static final String PREFIX = "portcullis.";

    private final Map<String, String> system;
    private final Map<String, String> environment;
    private final Map<String, String> values;

    private Settings(Map<String, String> system, Map<String, String> environment,
                     Map<String, String> values) {
        this.system = Collections.unmodifiableMap(system);
        this.environment = Collections.unmodifiableMap(environment);
        this.values = Collections.unmodifiableMap(values);
    }

    /** Settings from one map of names to values, with no system or environment overrides. */
    public static Settings of(Map<String, String> values) {
        return new Settings(Map.of(), Map.of(), normalise(values));
    }

    /**
     * Layered settings: system properties over {@code environment} over {@code explicit} over
     * {@code file}.
     *
     * @param explicit values such as servlet init-params, by setting name
     * @param file values read from a properties file, by setting name
     * @param environment the process environment (only {@code PORTCULLIS_*} names are read)
     */
    public static Settings of(Map<String, String> explicit, Map<String, String> file,
                              Map<String, String> environment) {
        Map<String, String> merged = new LinkedHashMap<>(normalise(file));
        merged.putAll(normalise(explicit));
        Map<String, String> system = new LinkedHashMap<>();
        for (String name : System.getProperties().stringPropertyNames()) {
            if (name.startsWith(PREFIX)) {
                String v = System.getProperty(name);
                if (v != null && !v.isBlank()) {
                    system.put(name, v.trim());
                }
            }
        }
        Map<String, String> env = new LinkedHashMap<>();
        for (Map.Entry<String, String> e : environment.entrySet()) {
            if (e.getKey().startsWith("PORTCULLIS_") && e.getValue() != null
                    && !e.getValue().isBlank()) {
                env.put(e.getKey(), e.getValue().trim());
            }
        }
        return new Settings(system, env, merged);
    }

    /** Settings with the process's system properties and environment over {@code explicit}. */
    public static Settings fromSystem(Map<String, String> explicit, Map<String, String> file) {
        return of(explicit, file, System.getenv());
    }

    private static Map<String, String> normalise(Map<String, String> in) {
        Map<String, String> out = new LinkedHashMap<>();
        for (Map.Entry<String, String> e : in.entrySet()) {
            if (e.getValue() == null || e.getValue().isBlank()) {
                continue;
            }
            String name = e.getKey().trim();
            if (!name.startsWith(PREFIX)) {
                name = PREFIX + name;
            }
            out.put(name, e.getValue().trim());
        }
        return out;
    }

    /**
     * The environment variable name for a setting: {@code portcullis.jwks-uri} →
     * {@code PORTCULLIS_JWKS_URI}.
     */
    public static String environmentName(String setting) {
        return setting.replace('.', '_').replace('-', '_').toUpperCase(Locale.ROOT);
    }

    /** A new settings view with {@code overrides} over this one. */
    public Settings with(Map<String, String> overrides) {
        Map<String, String> merged = new LinkedHashMap<>(values);
        merged.putAll(normalise(overrides));
        return new Settings(system, environment, merged);
    }

    /**
     * The names given explicitly (init-params, properties file, system properties); environment
     * variables are not listed because their names cannot be mapped back unambiguously.
     */
    public Set<String> names() {
        Set<String> names = new TreeSet<>(values.keySet());
        names.addAll(system.keySet());
        return names;
    }

    /** The trimmed value of {@code name}, if set in any layer. */
    public Optional<String> get(String name) {
        return Optional.ofNullable(value(name));
    }

    public String get(String name, String defaultValue) {
        String v = value(name);
        return v == null ? defaultValue : v;
    }

    private String value(String name) {
        String sys = system.get(name);
        if (sys != null) {
            return sys;
        }
        String env = environment.get(environmentName(name));
        return env != null ? env : values.get(name);
    }

    /** The value of a setting that must be present. */
    public String require(String name) {
        String v = value(name);
        if (v == null) {
            throw new ConfigurationException(name, "is required but not set (also settable as "
                    + environmentName(name) + ")");
        }
        return v;
    }

    /** Comma- or whitespace-separated list; empty when unset. */
    public List<String> getList(String name) {
        String v = value(name);
        if (v == null) {
            return List.of();
        }
        List<String> out = new ArrayList<>();
        for (String part : v.split("[,\\s]+")) {
            if (!part.isEmpty()) {
                out.add(part);
            }
        }
        return List.copyOf(out);
    }

    public boolean getBoolean(String name, boolean defaultValue) {
        String v = value(name);
        if (v == null) {
            return defaultValue;
        }
        switch (v.toLowerCase(Locale.ROOT)) {
            case "true":
            case "yes":
            case "on":
                return true;
            case "false":
            case "no":
            case "off":
                return false;
            default:
                throw new ConfigurationException(name, "must be true or false, was '" + v + "'");
        }
    }

    public int getInt(String name, int defaultValue) {
        String v = value(name);
        if (v == null) {
            return defaultValue;
        }
        try {
            return Integer.parseInt(v);
        } catch (NumberFormatException e) {
            throw new ConfigurationException(name, "must be a whole number, was '" + v + "'");
        }
    }

    /**
     * A duration: ISO-8601 ({@code PT30S}) or a number with a unit suffix {@code ms}, {@code s},
     * {@code m}, {@code h}, {@code d} ({@code 30s}, {@code 10m}); a bare number means seconds.
     */
    public Duration getDuration(String name, Duration defaultValue) {
        String v = value(name);
        if (v == null) {
            return defaultValue;
        }
        Duration d = parseDuration(v);
        if (d == null || d.isNegative()) {
            throw new ConfigurationException(name, "must be a duration such as 30s, 10m or PT1H, was '"
                    + v + "'");
        }
        return d;
    }

    /** An enum value, matched case-insensitively with dashes as underscores. */
    public <E extends Enum<E>> E getEnum(String name, Class<E> type, E defaultValue) {
        String v = value(name);
        if (v == null) {
            return defaultValue;
        }
        String wanted = v.replace('-', '_').toUpperCase(Locale.ROOT);
        for (E e : type.getEnumConstants()) {
            if (e.name().equals(wanted)) {
                return e;
            }
        }
        List<String> allowed = new ArrayList<>();
        for (E e : type.getEnumConstants()) {
            allowed.add(e.name().toLowerCase(Locale.ROOT).replace('_', '-'));
        }
        throw new ConfigurationException(name, "must be one of " + allowed + ", was '" + v + "'");
    }

    /** Applies {@code parser} to the value, wrapping any failure in a ConfigurationException. */
    public <T> Optional<T> get(String name, Function<String, T> parser) {
        String v = value(name);
        if (v == null) {
            return Optional.empty();
        }
        try {
            return Optional.of(parser.apply(v));
        } catch (ConfigurationException e) {
            throw e;
        } catch (RuntimeException e) {
            throw new ConfigurationException(name, "invalid value '" + v + "': " + e.getMessage(), e);
        }
    }

    static Duration parseDuration(String v) {
        String s = v.trim().toLowerCase(Locale.ROOT);
        try {
            if (s.startsWith("p") || s.startsWith("-p")) {
                return Duration.parse(v.trim().toUpperCase(Locale.ROOT));
            }
            if (s.endsWith("ms")) {
                return Duration.ofMillis(Long.parseLong(s.substring(0, s.length() - 2).trim()));
            }
            char unit = s.charAt(s.length() - 1);
            String num = Character.isDigit(unit) ? s : s.substring(0, s.length() - 1).trim();
            long n = Long.parseLong(num);
            switch (unit) {
                case 's':
                    return Duration.ofSeconds(n);
                case 'm':
                    return Duration.ofMinutes(n);
                case 'h':
                    return Duration.ofHours(n);
                case 'd':
                    return Duration.ofDays(n);
                default:
                    return Character.isDigit(unit) ? Duration.ofSeconds(n) : null;
            }
        } catch (NumberFormatException | DateTimeParseException | StringIndexOutOfBoundsException e) {
            return null;
        }
    }

    @Override
    public String toString() {
        return "Settings" + names();
    }
}
