package dev.portcullis.bench;

import dev.portcullis.Outcome;
import dev.portcullis.Reason;
import dev.portcullis.it.SignalNodes;

import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * Identity-provider action to refusal on two nodes, beside the manual revoke path, in the same run
 * and alternating round by round (so a load change on a shared machine hits both alike). Two engines
 * share one real Terracotta server ({@link SignalNodes}). Each round takes a fresh principal whose
 * token both nodes have already admitted (verified and cached), then times:
 * <ul>
 *   <li><b>idp</b>: node A receives the provider's back-channel logout POST (logout token verified,
 *       cutoff written to the cluster, attributes revoked) → node B's next request with the old
 *       token is refused ({@code token_revoked});</li>
 *   <li><b>manual</b>: the store already says DISABLED (the application's admin changed it; not
 *       timed) → {@code Portcullis.revoke} on node A → node B's next request is refused
 *       ({@code principal_disabled}).</li>
 * </ul>
 * Then the receiver's price on every admitted request: node B (cutoff read locally, then on the
 * cluster) against a third node on the same cluster without the receiver, alternating request by
 * request. Reports p50/p99 in microseconds and the ratios; writes target/jmh/signal-latency.json.
 * Arguments: rounds (default 300).
 */
public final class SignalRevocationLatency {
    private SignalRevocationLatency() {
    }

    public static void main(String[] args) throws Exception {
        PrintStream out = System.out;
        int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 300;
        int warm = 50;
        int n = rounds + warm;
        Path work = Path.of("target", "bench-work", "signals");
        try (SignalNodes nodes = SignalNodes.start(work, 2 * n)) {
            List<String> disabled = new ArrayList<>();
            long[] idp = new long[rounds];
            long[] manual = new long[rounds];
            for (int i = 0; i < n; i++) {
                String viaIdp = "user-" + (2 * i);
                String viaManual = "user-" + (2 * i + 1);
                String t1 = nodes.accessToken(viaIdp, 5);
                String t2 = nodes.accessToken(viaManual, 5);
                String logout = nodes.logoutToken(viaIdp);
                for (String t : List.of(t1, t2)) {
                    require(SignalNodes.request(nodes.a, t).isAdmitted(), "admitted on A");
                    require(SignalNodes.request(nodes.b, t).isAdmitted(), "admitted on B");
                }
                disabled.add(viaManual);
                nodes.writeStore(2 * n, disabled); // the application's admin disables the principal in the store

                long s0 = System.nanoTime();
                Outcome handled = SignalNodes.logout(nodes.a, logout);
                Outcome refusedB = SignalNodes.request(nodes.b, t1);
                long s1 = System.nanoTime();
                require(handled.handledStatus() == 200 && refusedB.reason() == Reason.TOKEN_REVOKED, "idp refusal");

                long m0 = System.nanoTime();
                nodes.a.revoke(SignalNodes.ISSUER, viaManual);
                Outcome refusedM = SignalNodes.request(nodes.b, t2);
                long m1 = System.nanoTime();
                require(refusedM.reason() == Reason.PRINCIPAL_DISABLED, "manual refusal, was " + refusedM.reason());
                if (i >= warm) {
                    idp[i - warm] = s1 - s0;
                    manual[i - warm] = m1 - m0;
                }
            }
            // the price of the receiver on every admitted request: the cutoff read (local, then the
            // cluster) on node B, against the node without the receiver, alternating request by request
            String steady = nodes.accessToken("bob", 5);
            require(SignalNodes.request(nodes.b, steady).isAdmitted() && SignalNodes.request(nodes.plain, steady)
                    .isAdmitted(), "bob admitted");
            int m = 20_000;
            long[] with = new long[m];
            long[] without = new long[m];
            for (int i = 0; i < m + 2_000; i++) {
                long r0 = System.nanoTime();
                SignalNodes.request(nodes.b, steady);
                long r1 = System.nanoTime();
                SignalNodes.request(nodes.plain, steady);
                long r2 = System.nanoTime();
                if (i >= 2_000) {
                    with[i - 2_000] = r1 - r0;
                    without[i - 2_000] = r2 - r1;
                }
            }
            Arrays.sort(with);
            Arrays.sort(without);
            Arrays.sort(idp);
            Arrays.sort(manual);
            String json = String.format(Locale.ROOT, "{\"rounds\":%d,\"idp_p50_us\":%.1f,\"idp_p99_us\":%.1f,"
                    + "\"manual_p50_us\":%.1f,\"manual_p99_us\":%.1f,\"ratio_p50\":%.2f,\"ratio_p99\":%.2f,"
                    + "\"request_with_receiver_p50_us\":%.1f,\"request_with_receiver_p99_us\":%.1f,"
                    + "\"request_without_p50_us\":%.1f,\"request_without_p99_us\":%.1f}%n",
                    rounds, us(idp, 0.50), us(idp, 0.99), us(manual, 0.50), us(manual, 0.99),
                    us(idp, 0.50) / us(manual, 0.50), us(idp, 0.99) / us(manual, 0.99),
                    us(with, 0.50), us(with, 0.99), us(without, 0.50), us(without, 0.99));
            out.print(json);
            Files.createDirectories(Path.of("target", "jmh"));
            Files.writeString(Path.of("target", "jmh", "signal-latency.json"), json);
        }
    }

    private static double us(long[] sorted, double q) {
        return sorted[Math.min(sorted.length - 1, (int) Math.floor(q * sorted.length))] / 1000.0;
    }

    private static void require(boolean ok, String what) {
        if (!ok) {
            throw new IllegalStateException("unexpected outcome: " + what);
        }
    }
}
