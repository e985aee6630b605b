package dev.portcullis.security;

import dev.portcullis.testing.FilterServer;
import dev.portcullis.testing.JwksServer;
import dev.portcullis.testing.TestKeys;
import dev.portcullis.testing.Tokens;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;

import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Property-based fuzzing of the real filter over HTTP: valid tokens of every default algorithm
 * mutated at random (character flips, insertions, deletions, truncations, segment swaps and
 * duplications, header members reordered, standard-base64 re-encoding, padding) and
 * {@code Authorization} values assembled at random. A request is authenticated only when its
 * token is byte-identical to a valid one; nothing is ever answered 5xx; the filter never lets an
 * exception escape (which the container would answer 500).
 *
 * <p>Tries: {@code jqwik.tries.default}, set by the build to 300 by default and much higher under
 * the Maven profile {@code fuzz} ({@code mvn -Pfuzz ...}, or {@code -Dportcullis.fuzz.tries=N}).
 */
class FilterFuzzTest {
    private static final String ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    private static JwksServer idp;
    private static FilterServer app;
    private static List<String> valid;

    @BeforeContainer
    static void start() throws Exception {
        idp = JwksServer.serving(TestKeys.rsa(), TestKeys.ec(), TestKeys.ed25519());
        app = FilterServer.builder().trusting(idp).start();
        valid = new ArrayList<>();
        for (Map.Entry<String, org.jose4j.jwk.PublicJsonWebKey> alg : Tokens.allDefaultAlgorithms()) {
            valid.add(Tokens.signedWith(alg.getValue()).alg(alg.getKey()).expiresIn(java.time.Duration.ofMinutes(50))
                    .sign());
        }
    }

    @AfterContainer
    static void stop() {
        app.close();
        idp.close();
    }

    /** One mutation of a token. */
    interface Mutation {
        String apply(String token);
    }

    @Provide
    Arbitrary<List<Mutation>> mutationLists() {
        return mutations().list().ofMinSize(1).ofMaxSize(4);
    }

    Arbitrary<Mutation> mutations() {
        Arbitrary<Integer> position = Arbitraries.integers().between(0, 10_000);
        Arbitrary<Character> printable = Arbitraries.chars().range('!', '~');
        return Arbitraries.oneOf(
                Combinators.combine(position, Arbitraries.integers().between(1, 63)).as((p, x) -> (Mutation) t -> {
                    int i = p % t.length();
                    int v = ALPHABET.indexOf(t.charAt(i));
                    return v < 0 ? t : t.substring(0, i) + ALPHABET.charAt(v ^ x) + t.substring(i + 1);
                }),
                Combinators.combine(position, printable).as((p, c) -> (Mutation) t -> {
                    int i = p % t.length();
                    return t.substring(0, i) + c + t.substring(i + 1);
                }),
                Combinators.combine(position, printable).as((p, c) -> (Mutation) t -> {
                    int i = p % (t.length() + 1);
                    return t.substring(0, i) + c + t.substring(i);
                }),
                position.map(p -> (Mutation) t -> {
                    int i = p % t.length();
                    return t.substring(0, i) + t.substring(i + 1);
                }),
                position.map(p -> (Mutation) t -> t.substring(0, 1 + p % t.length())),
                Arbitraries.integers().between(0, 5).map(k -> (Mutation) t -> {
                    String[] s = t.split("\\.", -1);
                    if (s.length != 3) {
                        return t;
                    }
                    int[][] orders = {{1, 0, 2}, {0, 2, 1}, {2, 1, 0}, {0, 0, 2}, {0, 1, 1}, {1, 1, 2}};
                    int[] o = orders[k];
                    return s[o[0]] + "." + s[o[1]] + "." + s[o[2]];
                }),
                Arbitraries.just((Mutation) t -> {
                    String[] s = t.split("\\.", -1);
                    if (s.length != 3) {
                        return t;
                    }
                    String h = new String(Base64.getUrlDecoder().decode(s[0]), StandardCharsets.UTF_8);
                    int comma = h.indexOf(',');
                    if (comma < 1) {
                        return t; // no member to move (or an earlier mutation left a comma first)
                    }
                    String reordered = "{" + h.substring(comma + 1, h.length() - 1) + "," + h.substring(1, comma) + "}";
                    return Base64.getUrlEncoder().withoutPadding().encodeToString(
                            reordered.getBytes(StandardCharsets.UTF_8)) + "." + s[1] + "." + s[2];
                }),
                Arbitraries.integers().between(0, 2).map(k -> (Mutation) t -> {
                    String[] s = t.split("\\.", -1);
                    if (s.length != 3) {
                        return t;
                    }
                    s[k] = Base64.getEncoder().encodeToString(Base64.getUrlDecoder().decode(s[k]));
                    return String.join(".", s);
                }),
                Arbitraries.integers().between(0, 2).map(k -> (Mutation) t -> {
                    String[] s = t.split("\\.", -1);
                    if (s.length != 3) {
                        return t;
                    }
                    s[k] = s[k] + "=";
                    return String.join(".", s);
                }));
    }

    private static void assertOutcome(HttpResponse<String> r, int before, boolean mayPass, String description) {
        assertThat(r.statusCode()).as("never 5xx: %s -> %s", description, r.body()).isLessThan(500);
        if (r.statusCode() == 200) {
            assertThat(mayPass).as("authenticated a request that is not byte-identical to a valid one: %s",
                    description).isTrue();
            assertThat(app.invocations()).isEqualTo(before + 1);
        } else {
            assertThat(mayPass).as("refused a valid request: %s -> %s", description, r.body()).isFalse();
            assertThat(r.statusCode()).isIn(400, 401);
            assertThat(app.invocations()).as("the application never ran").isEqualTo(before);
            assertThat(r.headers().firstValue("Content-Type")).hasValueSatisfying(
                    ct -> assertThat(ct).startsWith("application/problem+json"));
            AttackSupport.assertNoInternals(r.body());
        }
    }

    @Property
    void mutatedTokenIsAuthenticatedOnlyWhenByteIdentical(@ForAll("mutationLists") List<Mutation> mutations,
                                                         @ForAll("algorithm") int which) {
        String original = valid.get(which);
        String t = original;
        for (Mutation m : mutations) {
            if (t.isEmpty()) {
                break; // earlier deletions and truncations used the whole token up
            }
            try {
                t = m.apply(t);
            } catch (IllegalArgumentException e) {
                // an earlier mutation left a segment no base64 decoder reads: skip this one
            }
        }
        if (t.isEmpty()) {
            return;
        }
        String token = t;
        int before = app.invocations();
        HttpResponse<String> r = app.get("/x", "Authorization", "Bearer " + token);
        assertOutcome(r, before, token.equals(original), token);
    }

    @Provide
    Arbitrary<Integer> algorithm() {
        return Arbitraries.integers().between(0, 3);
    }

    @Provide
    Arbitrary<String> schemes() {
        return Arbitraries.of("Bearer", "bearer", "BEARER", "bEaReR", "Basic", "Bearer:", "Bearerx", "Token", "",
                "Bear", "Bearer,", "MAC", "DPoP");
    }

    @Provide
    Arbitrary<String> separators() {
        return Arbitraries.of(" ", "  ", "\t", "", ":", ", ", " \t", "=");
    }

    @Provide
    Arbitrary<String> suffixes() {
        return Arbitraries.of("", "", "", " x", ",x", " Bearer y", "\t", "x", ".", "..", ".x", "=");
    }

    @Property
    void authorizationValueIsAcceptedOnlyInItsExactForm(@ForAll("schemes") String scheme,
                                                       @ForAll("separators") String separator,
                                                       @ForAll("suffixes") String suffix,
                                                       @ForAll("algorithm") int which,
                                                       @ForAll boolean duplicateHeader) {
        String token = valid.get(which);
        String value = scheme + separator + token + suffix;
        boolean exact = scheme.equalsIgnoreCase("bearer") && separator.equals(" ") && suffix.isEmpty();
        boolean trailingWhitespaceOnly = scheme.equalsIgnoreCase("bearer") && separator.equals(" ")
                && suffix.equals("\t");
        int before = app.invocations();
        HttpResponse<String> r = duplicateHeader
                ? app.get("/x", "Authorization", value, "Authorization", value)
                : app.get("/x", "Authorization", value);
        // optional whitespace after a field value is not part of it (RFC 9110 §5.5)
        assertOutcome(r, before, !duplicateHeader && (exact || trailingWhitespaceOnly), value);
    }
}
