package dev.portcullis;

import dev.portcullis.attributes.PrincipalAttributes;
import dev.portcullis.attributes.PrincipalStatus;
import dev.portcullis.policy.PrincipalContext;

import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

class PrincipalContextsTest {
    private static PrincipalAttributes attrs(String subject, String role) {
        return PrincipalAttributes.builder("https://issuer.test", subject).status(PrincipalStatus.ACTIVE)
                .roles(Set.of(role)).attribute("department", "sales").loadedAt(Instant.EPOCH).build();
    }

    @Test
    void ofWhenSameAttributesInstanceThenSameContext() {
        PrincipalContexts contexts = new PrincipalContexts();
        PrincipalAttributes alice = attrs("alice", "admin");
        PrincipalContext first = contexts.of("alice", alice);
        assertThat(contexts.of("alice", alice)).isSameAs(first);
        assertThat(first.id()).isEqualTo("alice");
        assertThat(first.roles()).containsExactly("admin");
        assertThat(first.attr()).containsEntry("department", "sales");
    }

    @Test
    void ofWhenAttributesReloadedThenFreshContextWithTheNewRoles() {
        PrincipalContexts contexts = new PrincipalContexts();
        PrincipalContext before = contexts.of("alice", attrs("alice", "admin"));
        PrincipalContext after = contexts.of("alice", attrs("alice", "viewer"));
        assertThat(after).isNotSameAs(before);
        assertThat(after.roles()).containsExactly("viewer");
    }

    @Test
    void ofWhenOtherIdWithSameAttributesThenNotShared() {
        PrincipalContexts contexts = new PrincipalContexts();
        PrincipalAttributes shared = attrs("alice", "admin");
        contexts.of("alice", shared);
        assertThat(contexts.of("bob", shared).id()).isEqualTo("bob");
        assertThat(contexts.of("alice", shared).id()).isEqualTo("alice");
    }

    @Test
    void ofWhenManyPrincipalsThenEachGetsItsOwnContext() {
        PrincipalContexts contexts = new PrincipalContexts();
        for (int i = 0; i < 3 * PrincipalContexts.SLOTS; i++) {
            PrincipalAttributes a = attrs("user" + i, "role" + i);
            PrincipalContext c = contexts.of("user" + i, a);
            assertThat(c.id()).isEqualTo("user" + i);
            assertThat(c.roles()).containsExactly("role" + i);
        }
    }
}
