package dev.portcullis.policy.internal;

import dev.portcullis.policy.PolicyLoadException;
import dev.portcullis.policy.PrincipalContext;
import dev.portcullis.policy.ResourceContext;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Clock;
import java.util.Set;

import static dev.portcullis.policy.internal.PolicyFixtures.write;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ReloadingPolicyEvaluatorTest {
    private static final PrincipalContext EDITOR = PrincipalContext.of("e", Set.of("editor"));
    private static final ResourceContext DOC = ResourceContext.of("doc", "1");

    @TempDir
    Path dir;

    private static String policy(String role) {
        return "apiVersion: api.cerbos.dev/v1\nresourcePolicy:\n  resource: doc\n  version: default\n  rules:\n"
                + "    - actions: [edit]\n      effect: EFFECT_ALLOW\n      roles: [" + role + "]\n";
    }

    private static final String SUITE = "name: DocSuite\n"
            + "principals:\n  ed:\n    id: e\n    roles: [editor]\n"
            + "resources:\n  doc:\n    kind: doc\n    id: '1'\n"
            + "tests:\n  - name: editors edit\n    input:\n      principals: [ed]\n      resources: [doc]\n"
            + "      actions: [edit]\n    expected:\n      - principal: ed\n        resource: doc\n"
            + "        actions: {edit: EFFECT_ALLOW}\n";

    @Test
    void reloadWhenNewSetValidThenSwapped() {
        write(dir, "doc.yaml", policy("admin"));
        try (ReloadingPolicyEvaluator e = ReloadingPolicyEvaluator.manual(dir, Clock.systemUTC())) {
            assertThat(e.decide(EDITOR, DOC, "edit").isAllowed()).isFalse();
            write(dir, "doc.yaml", policy("editor"));
            assertThat(e.reload()).isTrue();
            assertThat(e.decide(EDITOR, DOC, "edit").isAllowed()).isTrue();
            assertThat(e.lastFailure()).isEmpty();
        }
    }

    @Test
    void reloadWhenNewSetBrokenThenOldKeptAndReasonKept() {
        write(dir, "doc.yaml", policy("editor"));
        try (ReloadingPolicyEvaluator e = ReloadingPolicyEvaluator.manual(dir, Clock.systemUTC())) {
            write(dir, "doc.yaml", policy("editor") + "      condition:\n        match:\n          expr: R.attr.x ==\n");
            assertThat(e.reload()).isFalse();
            assertThat(e.lastFailure()).hasValueSatisfying(m -> assertThat(m).contains("doc.yaml:11"));
            assertThat(e.decide(EDITOR, DOC, "edit").isAllowed()).isTrue();
        }
    }

    @Test
    void reloadWhenNewSetFailsItsTestSuiteThenOldKept() {
        write(dir, "doc.yaml", policy("editor"));
        write(dir, "doc_test.yaml", SUITE);
        try (ReloadingPolicyEvaluator e = ReloadingPolicyEvaluator.manual(dir, Clock.systemUTC())) {
            write(dir, "doc.yaml", policy("admin"));
            assertThat(e.reload()).isFalse();
            assertThat(e.lastFailure()).hasValueSatisfying(m -> assertThat(m).contains("policy tests failed"));
            assertThat(e.decide(EDITOR, DOC, "edit").isAllowed()).isTrue();
        }
    }

    @Test
    void startWhenInitialSetBrokenThenLoadFails() {
        write(dir, "doc.yaml", "apiVersion: api.cerbos.dev/v1\nresourcePolicy: [\n");
        assertThatThrownBy(() -> ReloadingPolicyEvaluator.start(dir, Clock.systemUTC()))
                .isInstanceOf(PolicyLoadException.class).hasMessageContaining("doc.yaml");
    }

    @Test
    void watcherWhenFileChangesThenReloadsOnItsOwn() throws InterruptedException {
        write(dir, "doc.yaml", policy("admin"));
        try (ReloadingPolicyEvaluator e = ReloadingPolicyEvaluator.start(dir, Clock.systemUTC())) {
            CerbosPolicyEvaluator before = e.current();
            write(dir, "doc.yaml", policy("editor"));
            for (int i = 0; i < 300 && e.current() == before; i++) {
                Thread.sleep(50);
            }
            assertThat(e.decide(EDITOR, DOC, "edit").isAllowed()).isTrue();
        }
    }
}
