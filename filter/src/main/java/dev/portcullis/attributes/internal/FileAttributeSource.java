package dev.portcullis.attributes.internal;

import dev.portcullis.attributes.PrincipalKey;
import dev.portcullis.attributes.AttributeSource;
import dev.portcullis.attributes.PrincipalAttributes;
import dev.portcullis.attributes.PrincipalStatus;
import dev.portcullis.config.ConfigurationException;
import dev.portcullis.config.SettingNames;
import dev.portcullis.config.Settings;
import dev.portcullis.internal.YamlInputException;
import dev.portcullis.internal.YamlReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads principals from a YAML or JSON file (JSON is read as YAML), and reloads it when it
 * changes. Meant for small deployments, tests and demos; use {@link JdbcAttributeSource} for
 * thousands of principals.
 *
 * <pre>
 * principals:
 *   - issuer: https://idp.example.com     # matched exactly
 *     subject: alice
 *     status: ACTIVE                      # ACTIVE (default) or DISABLED
 *     version: 7                          # optional
 *     roles: [admin, user]
 *     attributes:                         # strings, numbers, booleans, lists of them
 *       department: sales
 *       level: 3
 * </pre>
 * A subject not in the file is UNKNOWN. The whole file is checked when read: an unknown key, a
 * duplicate principal, an unknown status or an unsupported value (a YAML date: quote it) rejects
 * the file. The file is read by the shared {@link YamlReader} (no arbitrary types or tags;
 * duplicate keys, alias bombs, over-deep nesting refused; problems named {@code file:line}).
 *
 * <p><b>Reloading.</b> On a load, at most once every {@link #CHECK_INTERVAL} (by the injected
 * {@link Clock}), the file's modification time and size are compared with those last read; if
 * they differ, the file is read again. If the new content is bad (or the file is gone), the
 * previous content stays in use, a warning is logged once for that version of the file, and the
 * next change is tried again. The first read, at build, must succeed.
 *
 * <h2>Settings</h2>
 * <ul>
 *   <li>{@value #FILE}: the file path (required when {@code portcullis.attributes.source=file}).</li>
 *   <li>{@value #CHECK_INTERVAL}: default 2s; 0 checks on every load.</li>
 * </ul>
 *
 * <p>Thread safety: safe for concurrent use; reloads are serialised and swap an immutable
 * snapshot.
 */
public final class FileAttributeSource implements AttributeSource {
    /** Path of the YAML or JSON file. */
    public static final String FILE = SettingNames.ATTRIBUTES_FILE;
    /** How often (at most) the file is checked for changes; default 2s. */
    public static final String CHECK_INTERVAL = SettingNames.ATTRIBUTES_FILE_CHECK_INTERVAL;

    private static final Logger LOG = LoggerFactory.getLogger(FileAttributeSource.class);
    private static final Set<String> PRINCIPAL_KEYS =
            Set.of("issuer", "subject", "status", "version", "roles", "attributes");

    private final Path file;
    private final Clock clock;
    private final long checkIntervalMillis;
    private final Object reloadLock = new Object();
    private volatile Snapshot current;
    private volatile long nextCheck;
    /** The file version whose reload failed, so it is reported once; guarded by reloadLock. */
    private Stamp failed;

    private FileAttributeSource(Builder b, Snapshot first) {
        this.file = b.file;
        this.clock = b.clock;
        this.checkIntervalMillis = b.checkInterval.toMillis();
        this.current = first;
        this.nextCheck = clock.millis() + checkIntervalMillis;
    }

    public static Builder builder() {
        return new Builder();
    }

    /**
     * A source configured by {@value #FILE} and {@value #CHECK_INTERVAL}.
     *
     * @throws ConfigurationException naming the bad setting, or {@value #FILE} if the file cannot
     *     be read
     */
    public static FileAttributeSource fromSettings(Settings s, Clock clock) {
        Builder b = builder().clock(clock);
        String path = s.require(FILE);
        try {
            b.file(Paths.get(path));
        } catch (RuntimeException e) {
            throw new ConfigurationException(FILE, "not a path: '" + path + "'", e);
        }
        try {
            b.checkInterval(s.getDuration(CHECK_INTERVAL, b.checkInterval));
        } catch (IllegalArgumentException e) {
            throw new ConfigurationException(CHECK_INTERVAL, e.getMessage(), e);
        }
        return b.build();
    }

    @Override
    public PrincipalAttributes load(String issuer, String subject) {
        PrincipalKey key = PrincipalKey.of(issuer, subject);
        maybeReload();
        PrincipalAttributes found = current.principals.get(key);
        Instant now = clock.instant();
        return found == null ? PrincipalAttributes.unknown(issuer, subject, now) : found.withLoadedAt(now);
    }

    /** Checks the file now, whatever the interval; for tests and admin endpoints. */
    public void checkNow() {
        synchronized (reloadLock) {
            nextCheck = clock.millis() + checkIntervalMillis;
            reload();
        }
    }

    private void maybeReload() {
        long now = clock.millis();
        if (now < nextCheck) {
            return;
        }
        synchronized (reloadLock) {
            if (now < nextCheck) {
                return;
            }
            nextCheck = now + checkIntervalMillis;
            reload();
        }
    }

    /** Must hold reloadLock. */
    private void reload() {
        Stamp stamp;
        try {
            stamp = Stamp.of(file);
        } catch (IOException e) {
            Stamp missing = new Stamp(-1, -1);
            if (!missing.equals(failed)) {
                failed = missing;
                LOG.warn("Principal file {} cannot be read ({}); keeping the previous content", file,
                        e.toString());
            }
            return;
        }
        if (stamp.equals(current.stamp) || stamp.equals(failed)) {
            return;
        }
        try {
            current = read(file, stamp, clock.instant());
            failed = null;
            LOG.info("Reloaded {} principals from {}", current.principals.size(), file);
        } catch (IOException | IllegalArgumentException | IllegalStateException e) {
            failed = stamp;
            LOG.warn("Principal file {} is invalid, keeping the previous content: {}", file, e.getMessage());
        }
    }

    private static Snapshot read(Path file, Stamp stamp, Instant now) throws IOException {
        if (stamp.size > 4L * YamlReader.MAX_CODE_POINTS) { // UTF-8: at most 4 bytes a character
            throw new IllegalArgumentException("not valid YAML or JSON: " + file + ": file is larger than "
                    + YamlReader.MAX_CODE_POINTS + " characters");
        }
        Object doc;
        try {
            doc = YamlReader.load(file.toString(), Files.readString(file, StandardCharsets.UTF_8));
        } catch (YamlInputException e) {
            throw new IllegalArgumentException("not valid YAML or JSON: " + e.getMessage(), e);
        }
        if (!(doc instanceof Map) || !((Map<?, ?>) doc).containsKey("principals")) {
            throw new IllegalArgumentException("the top level must be a map with a 'principals' list");
        }
        Object list = ((Map<?, ?>) doc).get("principals");
        if (list != null && !(list instanceof List)) {
            throw new IllegalArgumentException("'principals' must be a list");
        }
        Map<PrincipalKey, PrincipalAttributes> principals = new HashMap<>();
        int index = 0;
        for (Object item : list == null ? List.of() : (List<?>) list) {
            PrincipalAttributes p = principal(item, index, now);
            if (principals.put(p.key(), p) != null) {
                throw new IllegalArgumentException("principal #" + index + " (" + p.subject()
                        + ") appears twice for issuer " + p.issuer());
            }
            index++;
        }
        return new Snapshot(Map.copyOf(principals), stamp);
    }

    private static PrincipalAttributes principal(Object item, int index, Instant now) {
        String where = "principal #" + index;
        if (!(item instanceof Map)) {
            throw new IllegalArgumentException(where + " is not a map");
        }
        Map<?, ?> m = (Map<?, ?>) item;
        for (Object k : m.keySet()) {
            if (!PRINCIPAL_KEYS.contains(String.valueOf(k))) {
                throw new IllegalArgumentException(where + " has unknown key '" + k + "' (allowed: "
                        + PRINCIPAL_KEYS + ")");
            }
        }
        String issuer = text(m.get("issuer"), where + " issuer");
        String subject = text(m.get("subject"), where + " subject");
        where = where + " (" + subject + ")";
        PrincipalAttributes.Builder b = PrincipalAttributes.builder(issuer, subject).loadedAt(now);
        Object status = m.get("status");
        if (status != null) {
            String s = String.valueOf(status).trim().toUpperCase(Locale.ROOT);
            if (!s.equals("ACTIVE") && !s.equals("DISABLED")) {
                throw new IllegalArgumentException(where + " has status '" + status
                        + "'; use ACTIVE or DISABLED");
            }
            b.status(PrincipalStatus.valueOf(s));
        }
        Object version = m.get("version");
        if (version != null) {
            b.version(String.valueOf(version));
        }
        Object roles = m.get("roles");
        if (roles != null) {
            if (!(roles instanceof Collection)) {
                throw new IllegalArgumentException(where + " roles must be a list");
            }
            for (Object r : (Collection<?>) roles) {
                b.role(text(r, where + " role"));
            }
        }
        Object attributes = m.get("attributes");
        if (attributes != null) {
            if (!(attributes instanceof Map)) {
                throw new IllegalArgumentException(where + " attributes must be a map");
            }
            for (Map.Entry<?, ?> e : ((Map<?, ?>) attributes).entrySet()) {
                try {
                    b.attribute(text(e.getKey(), where + " attribute name"), e.getValue());
                } catch (IllegalArgumentException ex) {
                    throw new IllegalArgumentException(where + ": " + ex.getMessage(), ex);
                }
            }
        }
        return b.build();
    }

    private static String text(Object value, String what) {
        if (!(value instanceof String) || ((String) value).isEmpty()) {
            throw new IllegalArgumentException(what + " must be a non-empty string");
        }
        return (String) value;
    }

    @Override
    public String toString() {
        return "FileAttributeSource[" + file + "]";
    }

    private static final class Snapshot {
        final Map<PrincipalKey, PrincipalAttributes> principals;
        final Stamp stamp;

        Snapshot(Map<PrincipalKey, PrincipalAttributes> principals, Stamp stamp) {
            this.principals = principals;
            this.stamp = stamp;
        }
    }

    private static final class Stamp {
        final long modified;
        final long size;

        Stamp(long modified, long size) {
            this.modified = modified;
            this.size = size;
        }

        static Stamp of(Path file) throws IOException {
            BasicFileAttributes a = Files.readAttributes(file, BasicFileAttributes.class);
            return new Stamp(a.lastModifiedTime().toMillis(), a.size());
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Stamp && ((Stamp) o).modified == modified && ((Stamp) o).size == size;
        }

        @Override
        public int hashCode() {
            return Long.hashCode(modified) * 31 + Long.hashCode(size);
        }
    }

    /**
     * Builds a {@link FileAttributeSource}; each setter checks its argument at once.
     *
     * <p>Thread safety: not thread-safe; use one builder per thread.
     */
    public static final class Builder {
        private Path file;
        private Clock clock = Clock.systemUTC();
        private Duration checkInterval = Duration.ofSeconds(2);

        private Builder() {
        }

        /** {@value FileAttributeSource#FILE}. */
        public Builder file(Path file) {
            this.file = Objects.requireNonNull(file, FILE);
            return this;
        }

        /** {@value FileAttributeSource#CHECK_INTERVAL}: 0 or positive; default 2s. */
        public Builder checkInterval(Duration interval) {
            Objects.requireNonNull(interval, CHECK_INTERVAL);
            if (interval.isNegative()) {
                throw new IllegalArgumentException(CHECK_INTERVAL + " must not be negative, was " + interval);
            }
            if (interval.compareTo(Duration.ofDays(1)) > 0) {
                throw new IllegalArgumentException(CHECK_INTERVAL + " must be at most 1 day, was " + interval);
            }
            this.checkInterval = interval;
            return this;
        }

        /** The clock for the check interval and load times; default system UTC. */
        public Builder clock(Clock clock) {
            this.clock = Objects.requireNonNull(clock, "clock");
            return this;
        }

        /**
         * Reads the file once.
         *
         * @throws IllegalStateException if no file was given
         * @throws ConfigurationException naming {@value FileAttributeSource#FILE} if the file
         *     cannot be read or is invalid
         */
        public FileAttributeSource build() {
            if (file == null) {
                throw new IllegalStateException(FILE + " is required");
            }
            Snapshot first;
            try {
                first = read(file, Stamp.of(file), clock.instant());
            } catch (IOException | IllegalArgumentException | IllegalStateException e) {
                throw new ConfigurationException(FILE, "cannot read principals from '" + file + "': "
                        + e.getMessage(), e);
            }
            return new FileAttributeSource(this, first);
        }
    }
}
