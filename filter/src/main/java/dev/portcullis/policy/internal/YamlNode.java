package dev.portcullis.policy.internal;

import dev.portcullis.internal.YamlInputException;
import dev.portcullis.internal.YamlReader;
import dev.portcullis.policy.PolicyLoadException;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.NodeTuple;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.SequenceNode;
import org.yaml.snakeyaml.nodes.Tag;

import java.io.IOException;
import java.io.Reader;
import java.io.StringWriter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A YAML (or JSON) node that remembers its file and line, so that every problem found while
 * reading policies or test suites can be reported as {@code file:line: problem}. Read through
 * {@link YamlReader}, the one YAML front end (its limits: size, depth, aliases, tags, duplicate
 * keys); no Java objects are constructed from tags, so the safe subset is all that is read.
 *
 * <p>Internal API: not for use outside Portcullis. Thread safety: immutable.
 */
public final class YamlNode {
    private final String file;
    private final Node node;

    private YamlNode(String file, Node node) {
        this.file = file;
        this.node = node;
    }

    /**
     * The documents of one file ({@code ---} separated); empty documents are skipped.
     *
     * @throws PolicyLoadException for a syntax error or a broken {@link YamlReader} limit, with its line
     */
    public static List<YamlNode> parseAll(String file, Reader reader) {
        String text;
        try {
            StringWriter out = new StringWriter();
            reader.transferTo(out);
            text = out.toString();
        } catch (IOException e) {
            throw new PolicyLoadException(file, 0, "cannot read: " + e.getMessage(), e);
        }
        List<YamlNode> docs = new ArrayList<>();
        try {
            for (Node n : YamlReader.composeAll(file, text)) {
                docs.add(new YamlNode(file, n));
            }
        } catch (YamlInputException e) {
            throw new PolicyLoadException(file, e.line(), "invalid YAML: " + e.problem(), e);
        }
        return docs;
    }

    public String file() {
        return file;
    }

    /** 1-based line where this node starts. */
    public int line() {
        return node.getStartMark() == null ? 0 : node.getStartMark().getLine() + 1;
    }

    /** An exception naming this node's file and line. */
    public PolicyLoadException error(String problem) {
        return new PolicyLoadException(file, line(), problem);
    }

    public boolean isMap() {
        return node instanceof MappingNode;
    }

    public boolean isList() {
        return node instanceof SequenceNode;
    }

    public boolean isScalar() {
        return node instanceof ScalarNode;
    }

    public boolean isNull() {
        return node instanceof ScalarNode && ((ScalarNode) node).getTag().equals(Tag.NULL);
    }

    /**
     * This node as a mapping whose keys must be among {@code allowed}.
     *
     * @param what how to name this node in messages, e.g. {@code resourcePolicy}
     */
    public Fields fields(String what, String... allowed) {
        if (!isMap()) {
            throw error(what + " must be a mapping");
        }
        Set<String> ok = new LinkedHashSet<>(Arrays.asList(allowed));
        Map<String, YamlNode> out = new LinkedHashMap<>();
        Map<String, YamlNode> keys = new LinkedHashMap<>();
        for (NodeTuple t : ((MappingNode) node).getValue()) {
            if (!(t.getKeyNode() instanceof ScalarNode)) {
                throw new YamlNode(file, t.getKeyNode()).error(what + " has a non-text key");
            }
            String key = ((ScalarNode) t.getKeyNode()).getValue();
            keys.put(key, new YamlNode(file, t.getKeyNode()));
            if (!ok.contains(key)) {
                throw new YamlNode(file, t.getKeyNode()).error("unknown field '" + key + "' in " + what
                        + " (allowed: " + String.join(", ", ok) + ")");
            }
            out.put(key, new YamlNode(file, t.getValueNode()));
        }
        return new Fields(this, what, out, keys);
    }

    /** This node as a mapping of free keys (attributes, named fixtures). */
    public Map<String, YamlNode> entries(String what) {
        if (isNull()) {
            return Map.of();
        }
        if (!isMap()) {
            throw error(what + " must be a mapping");
        }
        Map<String, YamlNode> out = new LinkedHashMap<>();
        for (NodeTuple t : ((MappingNode) node).getValue()) {
            if (!(t.getKeyNode() instanceof ScalarNode)) {
                throw new YamlNode(file, t.getKeyNode()).error(what + " has a non-text key");
            }
            out.put(((ScalarNode) t.getKeyNode()).getValue(), new YamlNode(file, t.getValueNode()));
        }
        return out;
    }

    /** This node as a list (a single non-list value is an error). */
    public List<YamlNode> list(String what) {
        if (isNull()) {
            return List.of();
        }
        if (!isList()) {
            throw error(what + " must be a list");
        }
        List<YamlNode> out = new ArrayList<>();
        for (Node n : ((SequenceNode) node).getValue()) {
            out.add(new YamlNode(file, n));
        }
        return out;
    }

    /** This node as text; numbers and booleans are given as written. */
    public String text(String what) {
        if (!isScalar() || isNull()) {
            throw error(what + " must be a text value");
        }
        return ((ScalarNode) node).getValue();
    }

    /** This node as a list of texts. */
    public List<String> texts(String what) {
        List<String> out = new ArrayList<>();
        for (YamlNode n : list(what)) {
            out.add(n.text("each entry of " + what));
        }
        return out;
    }

    /** This node as a boolean. */
    public boolean bool(String what) {
        Object v = toJava();
        if (!(v instanceof Boolean)) {
            throw error(what + " must be true or false");
        }
        return (Boolean) v;
    }

    /**
     * Plain Java value: String, Long, Double, Boolean, null, List, Map (insertion ordered); a
     * {@code null} inside a list or map is kept, as JSON's is in Cerbos.
     */
    public Object toJava() {
        if (node instanceof ScalarNode) {
            ScalarNode s = (ScalarNode) node;
            Tag tag = s.getTag();
            String v = s.getValue();
            if (tag.equals(Tag.NULL)) {
                return null;
            }
            if (tag.equals(Tag.BOOL)) {
                String l = v.toLowerCase(java.util.Locale.ROOT);
                return l.equals("true") || l.equals("yes") || l.equals("on") || l.equals("y");
            }
            if (tag.equals(Tag.INT)) {
                try {
                    return Long.decode(v.replace("_", ""));
                } catch (NumberFormatException e) {
                    return v;
                }
            }
            if (tag.equals(Tag.FLOAT)) {
                try {
                    return Double.valueOf(v.replace("_", ""));
                } catch (NumberFormatException e) {
                    return v;
                }
            }
            return v;
        }
        if (node instanceof SequenceNode) {
            List<Object> out = new ArrayList<>();
            for (Node n : ((SequenceNode) node).getValue()) {
                out.add(new YamlNode(file, n).toJava());
            }
            return Collections.unmodifiableList(out);
        }
        Map<String, Object> out = new LinkedHashMap<>();
        for (NodeTuple t : ((MappingNode) node).getValue()) {
            Object k = new YamlNode(file, t.getKeyNode()).toJava();
            Object v = new YamlNode(file, t.getValueNode()).toJava();
            if (k != null) {
                out.put(k.toString(), v);
            }
        }
        return Collections.unmodifiableMap(out);
    }

    /**
     * The fields of a mapping node, checked against an allowed set.
     */
    public static final class Fields {
        private final YamlNode owner;
        private final String what;
        private final Map<String, YamlNode> values;
        private final Map<String, YamlNode> keys;

        Fields(YamlNode owner, String what, Map<String, YamlNode> values, Map<String, YamlNode> keys) {
            this.owner = owner;
            this.what = what;
            this.values = values;
            this.keys = keys;
        }

        public YamlNode owner() {
            return owner;
        }

        public boolean has(String key) {
            YamlNode n = values.get(key);
            return n != null && !n.isNull();
        }

        /** The field, or null when absent or null. */
        public YamlNode get(String key) {
            YamlNode n = values.get(key);
            return n == null || n.isNull() ? null : n;
        }

        /** The field, which must be present. */
        public YamlNode require(String key) {
            YamlNode n = get(key);
            if (n == null) {
                throw owner.error(what + " needs '" + key + "'");
            }
            return n;
        }

        /** A required non-empty text field. */
        public String text(String key) {
            String v = require(key).text(what + "." + key);
            if (v.isBlank()) {
                throw values.get(key).error(what + "." + key + " must not be empty");
            }
            return v;
        }

        /** An optional text field. */
        public String text(String key, String defaultValue) {
            YamlNode n = get(key);
            return n == null ? defaultValue : n.text(what + "." + key);
        }

        /** An optional list of texts; empty when absent. */
        public List<String> texts(String key) {
            YamlNode n = get(key);
            return n == null ? List.of() : n.texts(what + "." + key);
        }

        /** Refuses a field this implementation does not support, naming it. */
        public void refuse(String key, String why) {
            YamlNode n = values.get(key);
            if (n != null && !n.isNull()) {
                throw keys.get(key).error("'" + key + "' in " + what + " is not supported: " + why);
            }
        }
    }
}
