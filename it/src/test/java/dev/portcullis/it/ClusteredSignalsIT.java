package dev.portcullis.it;

import dev.portcullis.Outcome;
import dev.portcullis.Reason;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Revocations from the identity provider across a cluster: two engines on one real Terracotta
 * server. A back-channel logout received by node A refuses the principal's old token on node B
 * (the cutoff is on the cluster), and the same logout token replayed to node B is refused (the
 * {@code jti} is on the cluster); other principals and newer tokens stay admitted on both.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ClusteredSignalsIT {
    private SignalNodes nodes;

    @BeforeAll
    void start() throws Exception {
        nodes = SignalNodes.start(Path.of(System.getProperty("it.work.dir", "target/it-work"), "signals-cluster"), 4);
    }

    @AfterAll
    void stop() {
        if (nodes != null) {
            nodes.close();
        }
    }

    @Test
    void logoutOnNodeAWhenTokenUsedOnNodeBThenRefusedThere() throws Exception {
        String old = nodes.accessToken("user-1", 5);
        assertThat(SignalNodes.request(nodes.a, old).isAdmitted()).isTrue();
        assertThat(SignalNodes.request(nodes.b, old).isAdmitted()).isTrue(); // cached on B too

        Outcome logout = SignalNodes.logout(nodes.a, nodes.logoutToken("user-1"));
        assertThat(logout.handledStatus()).isEqualTo(200);

        Outcome onB = SignalNodes.request(nodes.b, old);
        assertThat(onB.reason()).isEqualTo(Reason.TOKEN_REVOKED);
        assertThat(SignalNodes.request(nodes.a, old).reason()).isEqualTo(Reason.TOKEN_REVOKED);
        // positive twins: another principal, and a token issued after the logout
        assertThat(SignalNodes.request(nodes.b, nodes.accessToken("bob", 5)).isAdmitted()).isTrue();
        assertThat(SignalNodes.request(nodes.b, nodes.accessToken("user-1", -2)).isAdmitted()).isTrue();
    }

    @Test
    void logoutTokenReplayedToOtherNodeThenRefused() throws Exception {
        String token = nodes.logoutToken("user-2");
        assertThat(SignalNodes.logout(nodes.a, token).handledStatus()).isEqualTo(200);
        Outcome replay = SignalNodes.logout(nodes.b, token);
        assertThat(replay.handledStatus()).isEqualTo(400);
        assertThat(replay.handledBody()).contains("invalid_request");
        // positive twin: a fresh logout token for another user is accepted by node B
        assertThat(SignalNodes.logout(nodes.b, nodes.logoutToken("user-3")).handledStatus()).isEqualTo(200);
    }
}
