package dev.portcullis;

import dev.portcullis.attributes.PrincipalAttributes;
import dev.portcullis.attributes.PrincipalStatus;
import dev.portcullis.policy.PrincipalContext;

import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

class PrincipalContextsTest {
    private static final String ISS = "https://issuer.test";
    private static PrincipalAttributes attrs(String subject, String role) {
        return PrincipalAttributes.builder("https://issuer.test", subject).status(PrincipalStatus.ACTIVE)
                .roles(Set.of(role)).attribute("department", "sales").loadedAt(Instant.EPOCH).build();
    }

    @Test
    void ofWhenSameAttributesInstanceThenSameContext() {
        PrincipalContexts contexts = new PrincipalContexts();
        PrincipalAttributes alice = attrs("alice", "admin");
        PrincipalContext first = contexts.of("alice", ISS, "alice", alice);
        assertThat(contexts.of("alice", ISS, "alice", alice)).isSameAs(first);
        assertThat(first.id()).isEqualTo("alice");
        assertThat(first.roles()).containsExactly("admin");
        assertThat(first.attr()).containsEntry("department", "sales");
    }

    @Test
    void ofWhenAttributesReloadedThenFreshContextWithTheNewRoles() {
        PrincipalContexts contexts = new PrincipalContexts();
        PrincipalContext before = contexts.of("alice", ISS, "alice", attrs("alice", "admin"));
        PrincipalContext after = contexts.of("alice", ISS, "alice", attrs("alice", "viewer"));
        assertThat(after).isNotSameAs(before);
        assertThat(after.roles()).containsExactly("viewer");
    }

    @Test
    void ofWhenOtherIdWithSameAttributesThenNotShared() {
        PrincipalContexts contexts = new PrincipalContexts();
        PrincipalAttributes shared = attrs("alice", "admin");
        contexts.of("alice", ISS, "alice", shared);
        assertThat(contexts.of("bob", ISS, "bob", shared).id()).isEqualTo("bob");
        assertThat(contexts.of("alice", ISS, "alice", shared).id()).isEqualTo("alice");
    }

    @Test
    void ofWhenManyPrincipalsThenEachGetsItsOwnContext() {
        PrincipalContexts contexts = new PrincipalContexts();
        for (int i = 0; i < 3 * PrincipalContexts.SLOTS; i++) {
            PrincipalAttributes a = attrs("user" + i, "role" + i);
            PrincipalContext c = contexts.of("user" + i, ISS, "user" + i, a);
            assertThat(c.id()).isEqualTo("user" + i);
            assertThat(c.roles()).containsExactly("role" + i);
        }
    }

    @Test
    void ofWhenSameAttributesInstanceAndIdButOtherIssuerThenNotShared() {
        PrincipalContexts contexts = new PrincipalContexts();
        PrincipalAttributes shared = attrs("alice", "admin");
        contexts.of("alice", ISS, "alice", shared);
        assertThat(contexts.of("alice", "https://other.test", "alice", shared).attr())
                .containsEntry("iss", "https://other.test");
        assertThat(contexts.of("alice", ISS, "alice", shared).attr()).containsEntry("iss", ISS);
    }

    @Test
    void ofWhenStoreHasIssOrSubAttributesThenTheTokensWin() {
        PrincipalAttributes forged = PrincipalAttributes.builder(ISS, "bob").status(PrincipalStatus.ACTIVE)
                .attribute("iss", "https://elsewhere.test").attribute("sub", "alice").attribute("department", "x")
                .loadedAt(Instant.EPOCH).build();
        PrincipalContext c = new PrincipalContexts().of("p:bob", ISS, "bob", forged);
        assertThat(c.id()).isEqualTo("p:bob");
        assertThat(c.attr()).containsEntry("iss", ISS).containsEntry("sub", "bob").containsEntry("department", "x");
    }
}
