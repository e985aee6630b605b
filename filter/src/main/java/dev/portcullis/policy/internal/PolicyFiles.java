package dev.portcullis.policy.internal;

import dev.portcullis.policy.PolicyLoadException;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystem;
import java.nio.file.FileSystemAlreadyExistsException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Stream;

/**
 * Finds policy files and test suites under a directory or a classpath location, with the Cerbos
 * layout rules: {@code *.yaml}, {@code *.yml}, {@code *.json}; names ending in {@code _test} are
 * test suites; anything under a {@code testdata} folder is a test fixture; hidden files and
 * folders are skipped. Files are returned sorted by path, contents read as UTF-8.
 *
 * <p>Internal API: not for use outside Portcullis. Thread safety: stateless.
 */
public final class PolicyFiles {
    /** A file found: its display name (for messages), the path, and its text. */
    public static final class SourceFile {
        private final String name;
        private final Path path;
        private final String content;

        SourceFile(String name, Path path, String content) {
            this.name = name;
            this.path = path;
            this.content = content;
        }

        public String name() {
            return name;
        }

        public Path path() {
            return path;
        }

        public String content() {
            return content;
        }
    }

    private PolicyFiles() {
    }

    /** Policy files: not tests, not fixtures. */
    public static List<SourceFile> policies(Path dir, String displayRoot) {
        return find(dir, displayRoot, false);
    }

    /** Test suite files ({@code *_test.yaml|yml|json}), not under {@code testdata}. */
    public static List<SourceFile> testSuites(Path dir, String displayRoot) {
        return find(dir, displayRoot, true);
    }

    /** True for a policy or test file extension. */
    static boolean hasExtension(String name) {
        String n = name.toLowerCase(Locale.ROOT);
        return n.endsWith(".yaml") || n.endsWith(".yml") || n.endsWith(".json");
    }

    /** True for a test suite file name. */
    public static boolean isTestSuite(String name) {
        String n = name.toLowerCase(Locale.ROOT);
        return n.endsWith("_test.yaml") || n.endsWith("_test.yml") || n.endsWith("_test.json");
    }

    private static List<SourceFile> find(Path dir, String displayRoot, boolean tests) {
        if (!Files.isDirectory(dir)) {
            throw new PolicyLoadException(displayRoot, 0, "not a directory");
        }
        List<Path> paths = new ArrayList<>();
        try (Stream<Path> walk = Files.walk(dir)) {
            walk.filter(Files::isRegularFile).forEach(p -> {
                Path rel = dir.relativize(p);
                if (rel.getNameCount() > 1 && rel.getName(0).toString().equals(SCHEMAS_DIR)) {
                    return;
                }
                for (Path segment : rel) {
                    String s = segment.toString();
                    if (s.startsWith(".") || s.equals("testdata") && !segment.equals(rel.getFileName())) {
                        return;
                    }
                }
                String name = rel.getFileName().toString();
                if (hasExtension(name) && isTestSuite(name) == tests) {
                    paths.add(p);
                }
            });
        } catch (IOException | UncheckedIOException e) {
            throw new PolicyLoadException(displayRoot, 0, "cannot list files: " + e.getMessage(), e);
        }
        paths.sort(null);
        List<SourceFile> out = new ArrayList<>();
        for (Path p : paths) {
            String display = join(displayRoot, dir.relativize(p).toString().replace('\\', '/'));
            try {
                out.add(new SourceFile(display, p, Files.readString(p, StandardCharsets.UTF_8)));
            } catch (IOException e) {
                throw new PolicyLoadException(display, 0, "cannot read: " + e.getMessage(), e);
            }
        }
        return out;
    }

    /** The folder of JSON schemas at the root of a policy directory (Cerbos's {@code _schemas}). */
    public static final String SCHEMAS_DIR = "_schemas";

    /**
     * The JSON schema files under {@code dir/_schemas}, keyed by their path relative to that folder
     * with {@code /} separators (what a {@code cerbos:///path} reference names); empty when absent.
     */
    public static java.util.Map<String, String> schemas(Path dir) {
        Path root = dir.resolve(SCHEMAS_DIR);
        java.util.Map<String, String> out = new java.util.TreeMap<>();
        if (!Files.isDirectory(root)) {
            return out;
        }
        List<Path> paths = new ArrayList<>();
        try (Stream<Path> walk = Files.walk(root)) {
            walk.filter(Files::isRegularFile)
                    .filter(p -> p.getFileName().toString().toLowerCase(Locale.ROOT).endsWith(".json"))
                    .forEach(paths::add);
        } catch (IOException | UncheckedIOException e) {
            throw new PolicyLoadException(root.toString(), 0, "cannot list schemas: " + e.getMessage(), e);
        }
        for (Path p : paths) {
            try {
                out.put(root.relativize(p).toString().replace('\\', '/'), Files.readString(p, StandardCharsets.UTF_8));
            } catch (IOException e) {
                throw new PolicyLoadException(p.toString(), 0, "cannot read: " + e.getMessage(), e);
            }
        }
        return out;
    }

    /** Reads one fixture file, or returns null when absent. */
    public static SourceFile readIfExists(Path file, String display) {
        if (!Files.isRegularFile(file)) {
            return null;
        }
        try {
            return new SourceFile(display, file, Files.readString(file, StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new PolicyLoadException(display, 0, "cannot read: " + e.getMessage(), e);
        }
    }

    static String join(String root, String rel) {
        return root.endsWith("/") ? root + rel : root + "/" + rel;
    }

    /**
     * Runs {@code action} on the directory a classpath location names (a folder on disk or inside a
     * jar), closing any zip file system it had to open.
     *
     * @param location a resource path such as {@code policies/demo} (a leading {@code /} is ignored)
     */
    public static <T> T withClasspathDirectory(String location, ClassLoader loader,
                                               Function<Path, T> action) {
        String loc = location.startsWith("/") ? location.substring(1) : location;
        ClassLoader cl = loader != null ? loader : PolicyFiles.class.getClassLoader();
        URL url = cl.getResource(loc);
        if (url == null) {
            throw new PolicyLoadException("classpath:" + loc, 0, "not found on the classpath");
        }
        URI uri;
        try {
            uri = url.toURI();
        } catch (URISyntaxException e) {
            throw new PolicyLoadException("classpath:" + loc, 0, "unusable location " + url, e);
        }
        if ("file".equals(uri.getScheme())) {
            return action.apply(Path.of(uri));
        }
        if ("jar".equals(uri.getScheme())) {
            FileSystem fs = null;
            boolean opened = false;
            try {
                try {
                    fs = FileSystems.newFileSystem(uri, Map.of());
                    opened = true;
                } catch (FileSystemAlreadyExistsException e) {
                    fs = FileSystems.getFileSystem(uri);
                }
                String spec = uri.getSchemeSpecificPart();
                String inside = spec.substring(spec.indexOf("!/") + 1);
                return action.apply(fs.getPath(inside));
            } catch (IOException e) {
                throw new PolicyLoadException("classpath:" + loc, 0, "cannot open " + url + ": "
                        + e.getMessage(), e);
            } finally {
                if (opened) {
                    try {
                        fs.close();
                    } catch (IOException ignored) {
                        // read-only zip file system; nothing to flush
                    }
                }
            }
        }
        throw new PolicyLoadException("classpath:" + loc, 0, "unsupported location " + url);
    }
}
