package dev.portcullis.bench;

import java.io.PrintStream;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.StringJoiner;

/**
 * The {@link Pac4jBench} comparison measured by alternating the three sides request by request (bare
 * servlet, Portcullis, pac4j, the order rotated each round) on the same Jetty, so that another
 * process taking the CPU hits all sides in the same time window: on a shared machine the tail
 * percentiles of separately timed JMH trials move with the load of the moment, not with the code.
 * The same setup checks run first (every token admitted by both filters, an altered signature and
 * a missing token refused), and every measured answer must be a 200. Prints p50/p90/p99/p99.9 per side and writes
 * target/jmh/pac4j-interleaved.json. Arguments: seconds of measurement per case (default 10), then
 * optionally the algorithms (default {@code RS256,ES256}).
 */
public final class Pac4jInterleaved {
    private static final String[] SIDES = {"bare", "portcullis", "pac4j"};
    private static final double[] PERCENTILES = {50, 90, 99, 99.9};

    private Pac4jInterleaved() {
    }

    public static void main(String[] args) throws Exception {
        PrintStream out = System.out;
        double seconds = args.length > 0 ? Double.parseDouble(args[0]) : 10;
        StringJoiner json = new StringJoiner(",\n  ", "[\n  ", "\n]\n");
        List<String> algs = List.of((args.length > 1 ? args[1] : "RS256,ES256").split(","));
        for (String alg : algs) {
            for (String tokens : List.of("same", "churn")) {
                Pac4jBench bench = new Pac4jBench();
                bench.alg = alg;
                bench.tokens = tokens;
                bench.setUp();
                try {
                    json.add(measure(bench, alg, tokens, seconds, out));
                } finally {
                    bench.tearDown();
                }
            }
        }
        Path file = Path.of("target/jmh/pac4j-interleaved.json");
        Files.createDirectories(file.getParent());
        Files.writeString(file, json.toString());
        out.println("written " + file.toAbsolutePath());
    }

    private static String measure(Pac4jBench bench, String alg, String tokens, double seconds, PrintStream out) {
        ByteBuffer[][] requests = {bench.bare, bench.portcullis, bench.pac4j};
        int pool = bench.bare.length;
        long sink = 0;
        long warmEnd = System.nanoTime() + 3_000_000_000L;
        for (int i = 0; System.nanoTime() < warmEnd; i++) {
            for (ByteBuffer[] side : requests) {
                sink += bench.exchangeForBench(side[i % pool]).length();
            }
        }
        long[][] times = new long[3][1 << 20];
        int n = 0;
        long end = System.nanoTime() + (long) (seconds * 1e9);
        while (System.nanoTime() < end && n < times[0].length) {
            for (int k = 0; k < 3; k++) {
                int side = (n + k) % 3;
                long t0 = System.nanoTime();
                String response = bench.exchangeForBench(requests[side][n % pool]);
                times[side][n] = System.nanoTime() - t0;
                if (!response.startsWith("HTTP/1.1 200")) {
                    throw new IllegalStateException(SIDES[side] + " answered " + response);
                }
                sink += response.length();
            }
            n++;
        }
        StringBuilder line = new StringBuilder(String.format(Locale.ROOT, "%-5s %-5s n=%6d", alg, tokens, n));
        StringJoiner sides = new StringJoiner(",");
        for (int s = 0; s < 3; s++) {
            long[] sorted = Arrays.copyOf(times[s], n);
            Arrays.sort(sorted);
            StringJoiner pj = new StringJoiner(",");
            line.append("  ").append(SIDES[s]);
            for (double p : PERCENTILES) {
                double us = sorted[Math.min(n - 1, (int) Math.ceil(p / 100 * n) - 1)] / 1000.0;
                line.append(String.format(Locale.ROOT, " p%s %.1f", trim(p), us));
                pj.add(String.format(Locale.ROOT, "\"p%s\":%.1f", trim(p), us));
            }
            sides.add("\"" + SIDES[s] + "\":{" + pj + "}");
        }
        out.println(line + "  (" + (sink & 1) + ")");
        return String.format(Locale.ROOT, "{\"alg\":\"%s\",\"tokens\":\"%s\",\"rounds\":%d,\"us\":{%s}}", alg, tokens, n,
                sides);
    }

    private static String trim(double p) {
        return p == Math.rint(p) ? Integer.toString((int) p) : Double.toString(p);
    }
}
