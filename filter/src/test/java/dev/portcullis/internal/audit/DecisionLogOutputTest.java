package dev.portcullis.internal.audit;

import dev.portcullis.config.ConfigurationException;
import dev.portcullis.config.SettingNames;
import dev.portcullis.config.Settings;

import org.jose4j.json.JsonUtil;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * {@value SettingNames#DECISION_LOG_OUTPUT}: the decision lines go, as plain JSON lines, to a file
 * (appended) or a standard stream, each batch in writes of whole lines (a chunk at most); the listener still gets
 * every line; a file that cannot be opened fails at startup naming the setting.
 */
class DecisionLogOutputTest {
    private static DecisionRecord record(DecisionLog log, int n) {
        return DecisionRecord.builder(Instant.parse("2026-12-01T10:00:00Z"), log.newDecisionId())
                .request("GET", "/api/documents/" + n)
                .principal("https://idp", "alice", "t-" + n)
                .resource("document", Integer.toString(n), "read")
                .effect("ALLOW", null)
                .rule("resource.document.vdefault", "read", List.of())
                .attributes("v1", 5)
                .latencyMicros(3)
                .build();
    }

    /** The lines of the writes, in order; each write must hold whole lines. */
    private static List<String> wholeLines(List<String> writes) {
        List<String> lines = new ArrayList<>();
        for (String w : writes) {
            assertThat(w).as("a write holds whole lines").endsWith("\n");
            lines.addAll(List.of(w.split("\n")));
        }
        return lines;
    }

    /** A stream keeping each {@code write(byte[], int, int)} call's text as one element of {@code writes}. */
    private static PrintStream eachWriteInto(List<String> writes) {
        return new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8) {
            @Override
            public void write(byte[] buf, int off, int len) {
                writes.add(new String(buf, off, len, StandardCharsets.UTF_8));
            }
        };
    }

    @Test
    void fileWhenRecordsThenEveryLineAppendedInOrderAndToTheListener(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("decisions.jsonl");
        Files.writeString(file, "earlier line\n");
        List<String> heard = new CopyOnWriteArrayList<>();
        List<String> expected = new ArrayList<>();
        List<String> sunk = new CopyOnWriteArrayList<>();
        DecisionLog log = DecisionLog.builder(Settings.of(Map.of(SettingNames.DECISION_LOG_OUTPUT, file.toString())))
                .sink(sunk::add).listener(heard::add).start();
        for (int i = 0; i < 1000; i++) {
            DecisionRecord r = record(log, i);
            expected.add(r.toJson());
            assertThat(log.record(r)).isTrue();
        }
        log.close();
        List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        assertThat(lines.get(0)).as("appended, not truncated").isEqualTo("earlier line");
        assertThat(lines.subList(1, lines.size())).containsExactlyElementsOf(expected);
        assertThat(heard).containsExactlyElementsOf(expected);
        assertThat(sunk).as("the output replaces the SLF4J sink").isEmpty();
        assertThat(log.written()).isEqualTo(1000);
        assertThat(JsonUtil.parseJson(lines.get(1))).containsEntry("resource_id", "0").containsEntry("effect", "ALLOW");
    }

    @Test
    void stdoutWhenBurstThenWholeLinesInFewerWritesThanLines() throws Exception {
        List<String> writes = new CopyOnWriteArrayList<>();
        PrintStream original = System.out;
        System.setOut(eachWriteInto(writes));
        List<String> expected = new ArrayList<>();
        try {
            DecisionLog log = DecisionLog.builder().output("stdout").start();
            for (int i = 0; i < 1000; i++) {
                DecisionRecord r = record(log, i);
                expected.add(r.toJson());
                log.record(r);
            }
            log.close();
        } finally {
            System.setOut(original);
        }
        assertThat(wholeLines(writes)).containsExactlyElementsOf(expected);
        assertThat(writes.size()).as("writes for 1000 lines recorded in a burst: batches, not one per line")
                .isLessThan(500);
    }

    @Test
    void stdoutWhenBatchesLargerThanAChunkThenWritesStayChunkSizedAndLinesWholeInOrder() throws Exception {
        List<String> writes = new CopyOnWriteArrayList<>();
        PrintStream original = System.out;
        System.setOut(eachWriteInto(writes));
        List<String> expected = new ArrayList<>();
        String longPath = "/api/documents/" + "x".repeat(900) + "/";
        try {
            DecisionLog log = DecisionLog.builder().output("stdout").start();
            // ~1 KB lines in a burst: the writer's batches (up to 256 records) hold far more than a chunk
            for (int i = 0; i < 3000; i++) {
                DecisionRecord r = DecisionRecord.builder(Instant.parse("2026-12-01T10:00:00Z"), log.newDecisionId())
                        .request("GET", longPath + i).effect("ALLOW", null).build();
                expected.add(r.toJson());
                assertThat(log.record(r)).isTrue();
            }
            log.close();
            assertThat(log.written()).isEqualTo(3000);
        } finally {
            System.setOut(original);
        }
        int longestLine = expected.stream().mapToInt(String::length).max().orElseThrow() + 1;
        for (String w : writes) {
            assertThat(w.length()).as("a write is at most a chunk and the line that crossed it")
                    .isLessThan(DecisionLog.CHUNK + longestLine);
        }
        assertThat(wholeLines(writes)).containsExactlyElementsOf(expected);
        assertThat(writes).as("several lines per write (not one per line)").hasSizeLessThan(3000 / 4)
                .anySatisfy(w -> assertThat(w.length()).isGreaterThanOrEqualTo(DecisionLog.CHUNK));
    }

    @Test
    void stdoutWhenBrokenThenLinesLostAndTheWriterGoesOn() throws Exception {
        PrintStream original = System.out;
        PrintStream broken = new PrintStream(new OutputStream() {
            @Override
            public void write(int b) throws IOException {
                throw new IOException("stream closed");
            }
        }, true, StandardCharsets.UTF_8);
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        try {
            System.setOut(broken);
            DecisionLog log = DecisionLog.builder().output("stdout").start();
            log.record(record(log, 1));
            Thread.sleep(300); // the writer naps 10 ms: it has tried by now
            assertThat(log.written()).as("nothing written to a broken stream").isZero();

            System.setOut(new PrintStream(captured, true, StandardCharsets.UTF_8));
            DecisionRecord after = record(log, 2);
            log.record(after);
            log.close();

            assertThat(log.written()).isEqualTo(1);
            assertThat(captured.toString(StandardCharsets.UTF_8)).isEqualTo(after.toJson() + "\n");
        } finally {
            System.setOut(original);
        }
    }

    @Test
    void fileWhenCannotBeOpenedThenFailsNamingTheSetting(@TempDir Path dir) {
        String missing = dir.resolve("no-such-dir").resolve("decisions.jsonl").toString();
        assertThatThrownBy(() -> DecisionLog.builder(Settings.of(Map.of(SettingNames.DECISION_LOG_OUTPUT, missing))))
                .isInstanceOf(ConfigurationException.class)
                .hasMessageContaining(SettingNames.DECISION_LOG_OUTPUT).hasMessageContaining(missing);
        assertThatThrownBy(() -> DecisionLog.builder().output(" "))
                .isInstanceOf(ConfigurationException.class).hasMessageContaining(SettingNames.DECISION_LOG_OUTPUT);
    }

    @Test
    void loggerWhenDefaultOrNamedThenLinesGoToTheSink() throws Exception {
        for (Map<String, String> settings : List.of(Map.<String, String>of(),
                Map.of(SettingNames.DECISION_LOG_OUTPUT, "logger"))) {
            List<String> sunk = new CopyOnWriteArrayList<>();
            DecisionLog log = DecisionLog.builder(Settings.of(settings)).sink(sunk::add).start();
            DecisionRecord r = record(log, 1);
            log.record(r);
            log.close();
            assertThat(sunk).as("%s", settings).containsExactly(r.toJson());
        }
        // and the setting given later wins: back to the logger after a file
        List<String> sunk = new CopyOnWriteArrayList<>();
        DecisionLog log = DecisionLog.builder().output("stderr").output("logger").sink(sunk::add).start();
        log.record(record(log, 2));
        log.close();
        assertThat(sunk).hasSize(1);
    }
}
