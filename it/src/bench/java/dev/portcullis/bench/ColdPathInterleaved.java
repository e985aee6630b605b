package dev.portcullis.bench;

import dev.portcullis.Portcullis;

import org.jose4j.jwa.AlgorithmConstraints;
import org.jose4j.jwt.consumer.JwtConsumer;
import org.jose4j.jwt.consumer.JwtConsumerBuilder;

import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.StringJoiner;

/**
 * The cold-path comparison of {@link ColdPathBench}, measured by alternating the two calls one by
 * one (raw jose4j, then Portcullis, and so on), so that a load change on a shared machine hits both
 * sides alike. Reports the median of each side per algorithm and writes
 * target/jmh/coldpath-interleaved.json. Arguments: seconds of measurement per algorithm (default 4).
 */
public final class ColdPathInterleaved {
    private ColdPathInterleaved() {
    }

    public static void main(String[] args) throws Exception {
        PrintStream out = System.out;
        double seconds = args.length > 0 ? Double.parseDouble(args[0]) : 4;
        Portcullis engine = Fixture.engine(Fixture.workDir("interleaved"), "portcullis.token-cache.enabled", "false");
        StringJoiner json = new StringJoiner(",\n  ", "[\n  ", "\n]\n");
        for (String alg : List.of("RS256", "PS256", "ES256", "EdDSA", "HS256")) {
            String token = Fixture.token(alg, "bob");
            List<String> headers = List.of("Bearer " + token);
            JwtConsumer raw = new JwtConsumerBuilder()
                    .setJwsAlgorithmConstraints(new AlgorithmConstraints(AlgorithmConstraints.ConstraintType.PERMIT, alg))
                    .setVerificationKey(Fixture.verificationKey(alg))
                    .setRequireExpirationTime()
                    .setAllowedClockSkewInSeconds(30)
                    .setExpectedIssuer(alg.equals("HS256") ? Fixture.HMAC_ISSUER : Fixture.ISSUER)
                    .setExpectedAudience(Fixture.AUDIENCE)
                    .setRequireSubject()
                    .build();
            long sink = 0;
            long warmEnd = System.nanoTime() + 2_000_000_000L;
            while (System.nanoTime() < warmEnd) {
                sink += raw.processToClaims(token).getClaimsMap().size();
                sink += engine.authenticate(headers, List.of()).claims().size();
            }
            long[] a = new long[1 << 20];
            long[] b = new long[1 << 20];
            int n = 0;
            long end = System.nanoTime() + (long) (seconds * 1e9);
            while (System.nanoTime() < end && n < a.length) {
                long t0 = System.nanoTime();
                sink += raw.processToClaims(token).getClaimsMap().size();
                long t1 = System.nanoTime();
                sink += engine.authenticate(headers, List.of()).claims().size();
                long t2 = System.nanoTime();
                a[n] = t1 - t0;
                b[n] = t2 - t1;
                n++;
            }
            double rawMedian = median(a, n) / 1000.0;
            double ourMedian = median(b, n) / 1000.0;
            out.printf(Locale.ROOT, "%-6s n=%7d  jose4j median %9.2f us  portcullis median %9.2f us  ratio %.3f  (%d)%n",
                    alg, n, rawMedian, ourMedian, ourMedian / rawMedian, sink & 1);
            json.add(String.format(Locale.ROOT, "{\"alg\":\"%s\",\"samples\":%d,\"jose4jMedianUs\":%.2f,"
                    + "\"portcullisMedianUs\":%.2f,\"ratio\":%.3f}", alg, n, rawMedian, ourMedian, ourMedian / rawMedian));
        }
        Path file = Path.of("target/jmh/coldpath-interleaved.json");
        Files.createDirectories(file.getParent());
        Files.writeString(file, json.toString());
        out.println("written " + file.toAbsolutePath());
        engine.close();
    }

    private static long median(long[] values, int n) {
        long[] copy = Arrays.copyOf(values, n);
        Arrays.sort(copy);
        return copy[n / 2];
    }
}
