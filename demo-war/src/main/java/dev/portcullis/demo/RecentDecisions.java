package dev.portcullis.demo;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.function.Consumer;

/**
 * The last decision-log lines (JSON, as Portcullis writes them to the {@code portcullis.decision}
 * logger), newest first, for the demo console's live panel.
 *
 * <p>Thread safety: thread-safe (one lock; the decision log's writer thread adds, requests read).
 */
final class RecentDecisions implements Consumer<String> {
    static final int DEFAULT_SIZE = 50;

    private final int size;
    private final Deque<String> lines = new ArrayDeque<>();

    RecentDecisions(int size) {
        this.size = size;
    }

    @Override
    public synchronized void accept(String line) {
        lines.addFirst(line);
        while (lines.size() > size) {
            lines.removeLast();
        }
    }

    /** The lines, newest first. */
    synchronized List<String> newestFirst() {
        return new ArrayList<>(lines);
    }
}
