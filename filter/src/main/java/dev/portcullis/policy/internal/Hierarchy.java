package dev.portcullis.policy.internal;

import java.util.Arrays;
import java.util.List;

/**
 * The value of the Cerbos {@code hierarchy(...)} CEL extension: a path such as {@code a.b.c}
 * split into levels. Compared by levels.
 *
 * <p>Thread safety: immutable.
 */
final class Hierarchy {
    private final String[] levels;

    private Hierarchy(String[] levels) {
        this.levels = levels;
    }

    static Hierarchy parse(String dotted, String delimiter) {
        if (delimiter.isEmpty()) {
            throw new IllegalArgumentException("hierarchy delimiter must not be empty");
        }
        if (dotted.isEmpty()) {
            return new Hierarchy(new String[0]);
        }
        return new Hierarchy(dotted.split(java.util.regex.Pattern.quote(delimiter), -1));
    }

    static Hierarchy of(List<?> levels) {
        String[] out = new String[levels.size()];
        for (int i = 0; i < out.length; i++) {
            Object o = levels.get(i);
            if (!(o instanceof String)) {
                throw new IllegalArgumentException("hierarchy levels must be strings");
            }
            out[i] = (String) o;
        }
        return new Hierarchy(out);
    }

    long size() {
        return levels.length;
    }

    String level(long index) {
        if (index < 0 || index >= levels.length) {
            throw new IndexOutOfBoundsException("hierarchy index " + index + " out of range");
        }
        return levels[(int) index];
    }

    /** True if this is a strict prefix of {@code other}. */
    boolean ancestorOf(Hierarchy other) {
        return levels.length < other.levels.length && prefixOf(other, levels.length);
    }

    boolean descendentOf(Hierarchy other) {
        return other.ancestorOf(this);
    }

    boolean immediateParentOf(Hierarchy other) {
        return levels.length + 1 == other.levels.length && prefixOf(other, levels.length);
    }

    boolean immediateChildOf(Hierarchy other) {
        return other.immediateParentOf(this);
    }

    /** Same parent, different node. */
    boolean siblingOf(Hierarchy other) {
        return levels.length == other.levels.length && levels.length > 0
                && prefixOf(other, levels.length - 1)
                && !levels[levels.length - 1].equals(other.levels[levels.length - 1]);
    }

    /** Either is an ancestor of, or equal to, the other. */
    boolean overlaps(Hierarchy other) {
        return levels.length <= other.levels.length ? prefixOf(other, levels.length)
                : other.prefixOf(this, other.levels.length);
    }

    /** The longest common prefix of both paths. */
    Hierarchy commonAncestors(Hierarchy other) {
        int max = Math.min(levels.length, other.levels.length);
        int n = 0;
        while (n < max && levels[n].equals(other.levels[n])) {
            n++;
        }
        return new Hierarchy(Arrays.copyOf(levels, n));
    }

    private boolean prefixOf(Hierarchy other, int n) {
        for (int i = 0; i < n; i++) {
            if (!levels[i].equals(other.levels[i])) {
                return false;
            }
        }
        return true;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Hierarchy && Arrays.equals(levels, ((Hierarchy) o).levels);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(levels);
    }

    @Override
    public String toString() {
        return String.join(".", levels);
    }
}
