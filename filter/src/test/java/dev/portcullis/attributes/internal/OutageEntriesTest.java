package dev.portcullis.attributes.internal;

import dev.portcullis.attributes.PrincipalKey;
import dev.portcullis.attributes.PrincipalAttributes;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import org.junit.jupiter.api.Test;

class OutageEntriesTest {
    private static final Instant NOW = Instant.parse("2026-01-01T00:00:00Z");

    private static CacheEntry entry(String subject) {
        return new CacheEntry(PrincipalAttributes.builder("iss", subject).loadedAt(NOW).build(), 1, 2);
    }

    @Test
    void entryWhenKeptInThisOutageThenFoundAndInALaterOutageThenNot() {
        OutageEntries outage = new OutageEntries(10);
        PrincipalKey bob = PrincipalKey.of("iss", "bob");
        CacheEntry e = entry("bob");
        outage.put(bob, e, 1);
        assertThat(outage.entry(bob, 1)).isSameAs(e);
        // a load that finished after the link changed state must not count in the next outage
        assertThat(outage.entry(bob, 3)).isNull();
        assertThat(outage.knownNotHeld(bob, 1)).isFalse();
    }

    @Test
    void notHeldWhenMarkedThenKnownInThisOutageOnlyAndAnAnswerReplacesIt() {
        OutageEntries outage = new OutageEntries(10);
        PrincipalKey carol = PrincipalKey.of("iss", "carol");
        outage.markNotHeld(carol, 1);
        assertThat(outage.knownNotHeld(carol, 1)).isTrue();
        assertThat(outage.entry(carol, 1)).isNull();
        assertThat(outage.knownNotHeld(carol, 3)).isFalse();
        outage.markNotHeld(carol, 3); // an older outage's mark is replaced
        assertThat(outage.knownNotHeld(carol, 3)).isTrue();
        CacheEntry e = entry("carol");
        outage.put(carol, e, 3);
        assertThat(outage.entry(carol, 3)).isSameAs(e);
        assertThat(outage.knownNotHeld(carol, 3)).isFalse();
    }

    @Test
    void putWhenFullThenNewPrincipalsNotKeptButKeptOnesUpdated() {
        OutageEntries outage = new OutageEntries(1);
        PrincipalKey bob = PrincipalKey.of("iss", "bob");
        PrincipalKey dave = PrincipalKey.of("iss", "dave");
        outage.put(bob, entry("bob"), 1);
        outage.put(dave, entry("dave"), 1);
        outage.markNotHeld(dave, 1);
        assertThat(outage.entry(dave, 1)).isNull();
        assertThat(outage.knownNotHeld(dave, 1)).isFalse(); // asked again: never wrongly refused
        CacheEntry newer = entry("bob");
        outage.put(bob, newer, 1);
        assertThat(outage.entry(bob, 1)).isSameAs(newer);
        outage.remove(bob);
        assertThat(outage.entry(bob, 1)).isNull();
        outage.put(dave, entry("dave"), 1);
        outage.clear();
        assertThat(outage.entry(dave, 1)).isNull();
    }
}
