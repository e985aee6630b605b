package dev.portcullis.internal;

import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;
import org.yaml.snakeyaml.error.Mark;
import org.yaml.snakeyaml.error.MarkedYAMLException;
import org.yaml.snakeyaml.error.YAMLException;
import org.yaml.snakeyaml.events.AliasEvent;
import org.yaml.snakeyaml.events.CollectionEndEvent;
import org.yaml.snakeyaml.events.CollectionStartEvent;
import org.yaml.snakeyaml.events.Event;
import org.yaml.snakeyaml.events.MappingStartEvent;
import org.yaml.snakeyaml.events.NodeEvent;
import org.yaml.snakeyaml.events.ScalarEvent;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.NodeTuple;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.SequenceNode;
import org.yaml.snakeyaml.nodes.Tag;

import java.io.StringReader;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The one YAML (and JSON) front end of Portcullis: policies and policy tests, the route table and
 * the file attribute store all read through it, with one set of limits, and every problem it finds
 * is reported as {@code file:line: problem} from SnakeYAML's marks.
 *
 * <p>Limits, checked on the event stream before any node or object is built:
 * <ul>
 *   <li>at most {@value #MAX_CODE_POINTS} characters per file;</li>
 *   <li>collections nested at most {@value #MAX_DEPTH} deep;</li>
 *   <li>at most {@value #MAX_ALIASES} aliases per file, none of them to a collection that is still
 *       open (a recursive structure), and at most {@value #MAX_EXPANDED_NODES} nodes once every
 *       alias is expanded (so an "alias bomb" cannot grow a small file into a huge value);</li>
 *   <li>at most {@value #MAX_COLLECTION_ENTRIES} entries in one list or mapping;</li>
 *   <li>explicit tags only from the YAML core schema ({@code !!str}, {@code !!int},
 *       {@code !!float}, {@code !!bool}, {@code !!null}, {@code !!seq}, {@code !!map}); any other
 *       tag (local {@code !x}, Java class tags, {@code !!binary}, {@code !!set}...) is refused;</li>
 *   <li>a key may appear only once in a mapping.</li>
 * </ul>
 * Objects are only ever built by SnakeYAML's {@link SafeConstructor} (plain maps, lists, strings,
 * numbers, booleans; implicit timestamps become {@link java.util.Date}, which the formats refuse).
 * Each format keeps its own validation and messages on top of this reader.
 *
 * <p>Usage: {@code Object doc = YamlReader.load("routes.yaml", text);} or
 * {@code List<Node> docs = YamlReader.composeAll("policies/doc.yaml", text);}
 *
 * <p>Internal API: not for use outside Portcullis. Thread safety: stateless; every call builds
 * its own SnakeYAML instance.
 */
public final class YamlReader {
    /** The largest file, in characters (code points). */
    public static final int MAX_CODE_POINTS = 16 * 1024 * 1024;
    /** The deepest nesting of lists and mappings. */
    public static final int MAX_DEPTH = 50;
    /** The most aliases ({@code *name}) in one file. */
    public static final int MAX_ALIASES = 50;
    /** The most nodes in one file once every alias is expanded. */
    public static final int MAX_EXPANDED_NODES = 5_000_000;
    /** The most entries in one list or mapping. */
    public static final int MAX_COLLECTION_ENTRIES = 500_000;

    private static final String CORE = "tag:yaml.org,2002:";
    private static final Set<String> ALLOWED_TAGS = Set.of(CORE + "str", CORE + "int", CORE + "float",
            CORE + "bool", CORE + "null", CORE + "seq", CORE + "map");

    private YamlReader() {
    }

    /**
     * The documents of one file as SnakeYAML nodes (which keep their marks), empty documents
     * skipped. No object is constructed.
     *
     * @param file the name used in messages
     * @throws YamlInputException naming the file and line of the first problem
     */
    public static List<Node> composeAll(String file, String text) {
        check(file, text);
        List<Node> docs = new ArrayList<>();
        try {
            for (Node n : newYaml().composeAll(new StringReader(text))) {
                if (n != null && !(n instanceof ScalarNode && ((ScalarNode) n).getTag().equals(Tag.NULL))) {
                    refuseDuplicateKeys(file, n);
                    docs.add(n);
                }
            }
        } catch (MarkedYAMLException e) {
            throw marked(file, e);
        } catch (YAMLException e) {
            throw new YamlInputException(file, 0, e.getMessage(), e);
        }
        return docs;
    }

    /**
     * One document as plain Java values built by SnakeYAML's {@link SafeConstructor}: maps,
     * lists, strings, numbers, booleans, null.
     *
     * @param file the name used in messages
     * @throws YamlInputException naming the file and line of the first problem, also when the
     *     file holds more than one document
     */
    public static Object load(String file, String text) {
        check(file, text);
        LoaderOptions options = options();
        PlainConstructor constructor = new PlainConstructor(options);
        try {
            Node node = new Yaml(options).compose(new StringReader(text));
            if (node == null) {
                return null;
            }
            refuseDuplicateKeys(file, node);
            return constructor.construct(node);
        } catch (MarkedYAMLException e) {
            throw marked(file, e);
        } catch (YAMLException e) {
            throw new YamlInputException(file, 0, e.getMessage(), e);
        }
    }

    /** 1-based line of a mark, 0 when there is none. */
    public static int line(Mark mark) {
        return mark == null ? 0 : mark.getLine() + 1;
    }

    private static Yaml newYaml() {
        return new Yaml(options());
    }

    private static LoaderOptions options() {
        LoaderOptions options = new LoaderOptions();
        // The event pass below enforces the limits with a line; these are SnakeYAML's own
        // backstops, set just above ours.
        options.setAllowDuplicateKeys(false);
        options.setAllowRecursiveKeys(false);
        options.setMaxAliasesForCollections(MAX_ALIASES + 1);
        options.setNestingDepthLimit(MAX_DEPTH + 2);
        options.setCodePointLimit(MAX_CODE_POINTS + 1);
        return options;
    }

    private static YamlInputException marked(String file, MarkedYAMLException e) {
        Mark mark = e.getProblemMark() != null ? e.getProblemMark() : e.getContextMark();
        String problem = e.getProblem() != null ? e.getProblem() : e.getMessage();
        if (e.getContext() != null && e.getProblem() != null && problem.startsWith("found duplicate key")) {
            problem = e.getContext() + ", " + problem;
        }
        return new YamlInputException(file, line(mark), problem.trim(), e);
    }

    /** The limits and tag rules, on the event stream (cheap: no node is kept). */
    private static void check(String file, String text) {
        if (text.length() > MAX_CODE_POINTS && text.codePointCount(0, text.length()) > MAX_CODE_POINTS) {
            int at = text.offsetByCodePoints(0, MAX_CODE_POINTS);
            int line = 1;
            for (int i = 0; i < at; i++) {
                if (text.charAt(i) == '\n') {
                    line++;
                }
            }
            throw new YamlInputException(file, line, "file is larger than " + MAX_CODE_POINTS + " characters");
        }
        Map<String, Long> anchorSizes = new HashMap<>();
        Set<String> openAnchors = new HashSet<>();
        // per open collection: {children, nodes, children per entry (2 for a mapping: key and value)}
        Deque<long[]> open = new ArrayDeque<>();
        Deque<String> openNames = new ArrayDeque<>();
        long total = 0;
        int aliases = 0;
        try {
            for (Event e : newYaml().parse(new StringReader(text))) {
                int line = line(e.getStartMark());
                if (e instanceof AliasEvent) {
                    String anchor = ((AliasEvent) e).getAnchor();
                    if (++aliases > MAX_ALIASES) {
                        throw new YamlInputException(file, line, "more than " + MAX_ALIASES + " aliases");
                    }
                    if (openAnchors.contains(anchor)) {
                        throw new YamlInputException(file, line, "alias *" + anchor + " refers to itself (recursive)");
                    }
                    Long size = anchorSizes.get(anchor);
                    long n = size == null ? 1 : size;
                    total = add(file, line, open, total, n);
                } else if (e instanceof ScalarEvent) {
                    refuseTag(file, line, ((ScalarEvent) e).getTag());
                    total = add(file, line, open, total, 1);
                    remember(anchorSizes, ((NodeEvent) e).getAnchor(), 1);
                } else if (e instanceof CollectionStartEvent) {
                    CollectionStartEvent c = (CollectionStartEvent) e;
                    refuseTag(file, line, c.getTag());
                    total = add(file, line, open, total, 1);
                    if (open.size() >= MAX_DEPTH) {
                        throw new YamlInputException(file, line, "nested deeper than " + MAX_DEPTH + " levels");
                    }
                    open.push(new long[] {0, 1, c instanceof MappingStartEvent ? 2 : 1});
                    openNames.push(c.getAnchor() == null ? "" : c.getAnchor());
                    if (c.getAnchor() != null) {
                        openAnchors.add(c.getAnchor());
                    }
                } else if (e instanceof CollectionEndEvent) {
                    long[] closed = open.pop();
                    String anchor = openNames.pop();
                    if (!anchor.isEmpty()) {
                        openAnchors.remove(anchor);
                        remember(anchorSizes, anchor, closed[1]);
                    }
                    if (!open.isEmpty()) {
                        open.peek()[1] += closed[1] - 1; // the start itself was counted already
                    }
                }
            }
        } catch (MarkedYAMLException e) {
            throw marked(file, e);
        } catch (YAMLException e) {
            throw new YamlInputException(file, 0, e.getMessage(), e);
        }
    }

    private static long add(String file, int line, Deque<long[]> open, long total, long nodes) {
        if (!open.isEmpty()) {
            long[] top = open.peek();
            if (++top[0] > MAX_COLLECTION_ENTRIES * top[2]) {
                throw new YamlInputException(file, line, "a list or mapping has more than "
                        + MAX_COLLECTION_ENTRIES + " entries");
            }
            top[1] += nodes;
        }
        long sum = total + nodes;
        if (sum > MAX_EXPANDED_NODES) {
            throw new YamlInputException(file, line, "more than " + MAX_EXPANDED_NODES
                    + " values once aliases are expanded");
        }
        return sum;
    }

    private static void remember(Map<String, Long> sizes, String anchor, long size) {
        if (anchor != null) {
            sizes.put(anchor, size);
        }
    }

    private static void refuseTag(String file, int line, String tag) {
        if (tag != null && !tag.equals("!") && !ALLOWED_TAGS.contains(tag)) {
            throw new YamlInputException(file, line, "tag " + tag + " is not allowed (only the YAML core"
                    + " schema: !!str, !!int, !!float, !!bool, !!null, !!seq, !!map)");
        }
    }

    /** SnakeYAML checks duplicate keys only when it constructs objects: check the nodes. */
    private static void refuseDuplicateKeys(String file, Node root) {
        Deque<Node> pending = new ArrayDeque<>();
        Set<Node> seen = Collections.newSetFromMap(new IdentityHashMap<>());
        pending.push(root);
        while (!pending.isEmpty()) {
            Node n = pending.pop();
            if (!seen.add(n)) {
                continue;
            }
            if (n instanceof MappingNode) {
                Set<String> keys = new HashSet<>();
                for (NodeTuple t : ((MappingNode) n).getValue()) {
                    Node k = t.getKeyNode();
                    if (k instanceof ScalarNode && !k.getTag().equals(Tag.MERGE)
                            && !keys.add(((ScalarNode) k).getValue())) {
                        throw new YamlInputException(file, line(k.getStartMark()), "duplicate key '"
                                + ((ScalarNode) k).getValue() + "'");
                    }
                    pending.push(k);
                    pending.push(t.getValueNode());
                }
            } else if (n instanceof SequenceNode) {
                for (Node c : ((SequenceNode) n).getValue()) {
                    pending.push(c);
                }
            }
        }
    }

    /** Builds plain Java values from a node already checked. */
    private static final class PlainConstructor extends SafeConstructor {
        PlainConstructor(LoaderOptions options) {
            super(options);
        }

        Object construct(Node node) {
            return constructDocument(node);
        }
    }
}
