package dev.portcullis.internal.audit;

import org.jose4j.json.JsonUtil;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;

import static org.assertj.core.api.Assertions.assertThat;

class DecisionLogTest {

    private static DecisionRecord record(DecisionLog log) {
        return DecisionRecord.builder(Instant.parse("2026-11-29T10:00:00Z"), log.newDecisionId())
                .request("DELETE", "/api/documents/7")
                .principal("https://idp", "bob", "t-1")
                .resource("document", "7", "delete")
                .effect("DENY", "principal_disabled")
                .rule("resource.document.vdefault", "admins-delete", List.of("owner"))
                .attributes("12", 350)
                .latencyMicros(4)
                .build();
    }

    @Test
    void recordWhenWrittenThenOneJsonLineWithEveryField() throws Exception {
        List<String> lines = new CopyOnWriteArrayList<>();
        try (DecisionLog log = DecisionLog.start(10, lines::add)) {
            log.record(record(log));
        }
        assertThat(lines).hasSize(1);
        assertThat(lines.get(0)).doesNotContain("\n");
        Map<String, Object> json = JsonUtil.parseJson(lines.get(0));
        assertThat(json).containsEntry("subject", "bob").containsEntry("action", "delete")
                .containsEntry("effect", "DENY").containsEntry("reason", "principal_disabled")
                .containsEntry("resource_kind", "document").containsEntry("resource_id", "7")
                .containsEntry("attribute_version", "12").containsEntry("attribute_age_ms", 350L)
                .containsEntry("latency_us", 4L).containsEntry("derived_roles", List.of("owner"));
        assertThat((String) json.get("decision_id")).isNotBlank();
    }

    @Test
    void recordWhenQueueFullThenDropsAndCountsWithoutBlocking() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        List<String> lines = new CopyOnWriteArrayList<>();
        DecisionLog log = DecisionLog.start(2, line -> {
            try {
                release.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            lines.add(line);
        });
        int accepted = 0;
        for (int i = 0; i < 50; i++) {
            if (log.record(record(log))) {
                accepted++;
            }
        }
        assertThat(log.dropped()).isEqualTo(50 - accepted).isGreaterThan(0);
        // the queue holds 2; the writer's batch, taken from the queue, at most as many again
        assertThat(accepted).isBetween(2, 4);
        release.countDown();
        log.close();
        assertThat(lines).hasSize(accepted);
    }

    @Test
    void newDecisionIdWhenCalledTwiceThenDistinct() {
        try (DecisionLog log = DecisionLog.start(1, line -> { })) {
            assertThat(log.newDecisionId()).isNotEqualTo(log.newDecisionId());
        }
    }

    @Test
    void newDecisionIdWhenManyFromSeveralThreadsThenPrefixDashBase36AllDistinct() throws Exception {
        Set<String> ids = ConcurrentHashMap.newKeySet();
        Set<String> prefixes = ConcurrentHashMap.newKeySet();
        try (DecisionLog log = DecisionLog.start(1, line -> { })) {
            List<Thread> threads = new ArrayList<>();
            for (int t = 0; t < 4; t++) {
                threads.add(new Thread(() -> {
                    long previous = -1;
                    for (int i = 0; i < 5000; i++) { // more than one block of ids per thread
                        String id = log.newDecisionId();
                        assertThat(id).matches("[0-9a-f]{8}-[0-9a-z]+");
                        prefixes.add(id.substring(0, 8));
                        String digits = id.substring(9);
                        long n = Long.parseLong(digits, 36);
                        assertThat(Long.toString(n, 36)).as("no leading zeros").isEqualTo(digits);
                        assertThat(n).as("a thread's ids grow").isGreaterThan(previous);
                        previous = n;
                        ids.add(id);
                    }
                }));
            }
            threads.forEach(Thread::start);
            for (Thread t : threads) {
                t.join();
            }
        }
        assertThat(ids).hasSize(4 * 5000);
        assertThat(prefixes).as("one prefix per log").hasSize(1);
        try (DecisionLog other = DecisionLog.start(1, line -> { })) {
            assertThat(other.newDecisionId().substring(0, 8)).as("another log, another prefix")
                    .isNotEqualTo(prefixes.iterator().next());
        }
    }

    @Test
    void toJsonWhenValuesHaveQuotesAndControlsThenEscaped() throws Exception {
        DecisionRecord r = DecisionRecord.builder(Instant.EPOCH, "x").request("GET", "/a\"b\n").build();
        Map<String, Object> json = JsonUtil.parseJson(r.toJson());
        assertThat(json).containsEntry("path", "/a\"b\n");
    }
}
