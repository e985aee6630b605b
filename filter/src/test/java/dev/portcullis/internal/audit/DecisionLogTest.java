package dev.portcullis.internal.audit;

import org.jose4j.json.JsonUtil;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.List;
import java.util.Map;
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
    void toJsonWhenValuesHaveQuotesAndControlsThenEscaped() throws Exception {
        DecisionRecord r = DecisionRecord.builder(Instant.EPOCH, "x").request("GET", "/a\"b\n").build();
        Map<String, Object> json = JsonUtil.parseJson(r.toJson());
        assertThat(json).containsEntry("path", "/a\"b\n");
    }
}
