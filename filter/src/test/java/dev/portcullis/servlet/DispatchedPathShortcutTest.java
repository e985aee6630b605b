package dev.portcullis.servlet;

import dev.portcullis.PortcullisException;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@link DispatchedPath#of(String, String, String, String)} answers a request whose raw URI is
 * already normalised without comparing segments; this shows, on request shapes built from the
 * characters that matter (separators, dots, escapes, parameters, context paths that are a prefix
 * of a segment), that it always answers exactly as {@link DispatchedPath#strictly} does: the
 * same path and segments, or a refusal for the same reason. The positive controls: many requests
 * take the shortcut, and many are accepted.
 */
class DispatchedPathShortcutTest {
    private static final List<String> CONTEXTS = List.of("", "/app", "/app/v1", "/", "/ap", "/app/", "/App",
            "/app;x=1", "/%61pp", "/a.b");
    private static final String ALPHABET = "////...ap-_~Z9%2f;=x";

    @Test
    void ofWhenAnyRequestShapeThenSameAnswerAsStrictly() {
        Random random = new Random(13);
        int shortcut = 0;
        int accepted = 0;
        for (int i = 0; i < 300_000; i++) {
            String context = CONTEXTS.get(random.nextInt(CONTEXTS.size()));
            String tail = randomPath(random);
            String uri = random.nextInt(4) == 0 ? tail : (CONTEXTS.get(random.nextInt(CONTEXTS.size())) + tail);
            // what the container dispatched: mostly the URI's own rest, split somewhere; sometimes not
            String dispatched = uri.startsWith(context) ? uri.substring(context.length()) : tail;
            if (random.nextInt(5) == 0) {
                dispatched = randomPath(random);
            }
            int split = dispatched.isEmpty() ? 0 : random.nextInt(dispatched.length() + 1);
            String servletPath = dispatched.substring(0, split);
            String pathInfo = split == dispatched.length() && random.nextBoolean() ? null : dispatched.substring(split);
            String expected = answer(() -> DispatchedPath.strictly(uri, context, servletPath, pathInfo));
            String actual = answer(() -> DispatchedPath.of(uri, context, servletPath, pathInfo));
            assertThat(actual).as("uri %s context %s servlet path %s path info %s", uri, context, servletPath, pathInfo)
                    .isEqualTo(expected);
            if (dev.portcullis.internal.RequestPaths.plain(uri)) {
                shortcut++;
            }
            if (!expected.startsWith("refused")) {
                accepted++;
            }
        }
        assertThat(shortcut).as("requests whose URI can take the shortcut").isGreaterThan(10_000);
        assertThat(accepted).as("requests accepted").isGreaterThan(10_000);
    }

    @Test
    void nonEmptySegmentsWhenAnyPathThenAsSplitOnSlashWithoutEmptySegments() {
        Random random = new Random(17);
        int several = 0;
        for (int i = 0; i < 100_000; i++) {
            StringBuilder b = new StringBuilder();
            int n = random.nextInt(12);
            for (int j = 0; j < n; j++) {
                b.append("//a;b.%".charAt(random.nextInt(7)));
            }
            String path = b.toString();
            List<String> expected = new java.util.ArrayList<>();
            for (String s : path.split("/")) {
                if (!s.isEmpty()) {
                    expected.add(s);
                }
            }
            assertThat(DispatchedPath.nonEmptySegments(path)).as("'%s'", path).isEqualTo(expected);
            if (expected.size() > 1) {
                several++;
            }
        }
        assertThat(several).as("paths with several segments").isGreaterThan(10_000);
    }

    private static String randomPath(Random random) {
        StringBuilder b = new StringBuilder("/");
        int n = random.nextInt(10);
        for (int j = 0; j < n; j++) {
            b.append(ALPHABET.charAt(random.nextInt(ALPHABET.length())));
        }
        return random.nextInt(8) == 0 ? b.substring(1) : b.toString();
    }

    private interface Resolution {
        DispatchedPath get() throws PortcullisException;
    }

    private static String answer(Resolution resolution) {
        try {
            DispatchedPath p = resolution.get();
            return p.path() + " " + p.segments();
        } catch (PortcullisException e) {
            return "refused " + e.reason() + " " + e.getMessage();
        }
    }
}
