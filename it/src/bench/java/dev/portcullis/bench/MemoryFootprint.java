package dev.portcullis.bench;

import dev.portcullis.Portcullis;
import dev.portcullis.attributes.internal.AttributeCache;
import dev.portcullis.attributes.PrincipalAttributes;
import dev.portcullis.attributes.PrincipalStatus;

import dev.portcullis.internal.EngineParts;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Heap used by 100,000 cached principals (attribute cache, heap tier) and 10,000 cached verified
 * tokens (typical RS256 access tokens), measured as used heap after full collections before and
 * after filling the caches. Writes target/jmh/memory.json.
 */
public final class MemoryFootprint {
    private MemoryFootprint() {
    }

    public static void main(String[] args) throws Exception {
        PrintStream out = System.out;
        int principals = args.length > 0 ? Integer.parseInt(args[0]) : 100_000;
        int tokens = args.length > 1 ? Integer.parseInt(args[1]) : 10_000;
        Clock clock = Clock.systemUTC();
        out.printf(Locale.ROOT, "signing %d RS256 tokens...%n", tokens);
        List<String> headers = new ArrayList<>(tokens);
        for (int i = 0; i < tokens; i++) {
            headers.add("Bearer " + Fixture.token("RS256", "bob"));
        }
        long averageTokenChars = headers.stream().mapToLong(h -> h.length() - 7).sum() / tokens;
        Portcullis engine = Fixture.engine(Fixture.workDir("memory"), "portcullis.token-cache.max-entries",
                Integer.toString(tokens));
        AttributeCache cache = AttributeCache.builder().clock(clock).maxEntries(principals)
                .source((iss, sub) -> PrincipalAttributes.builder(iss, sub).status(PrincipalStatus.ACTIVE)
                        .roles(Set.of("viewer", "editor")).attribute("department", "sales")
                        .attribute("level", 3L).attribute("region", "eu-west")
                        .loadedAt(clock.instant()).build())
                .build();
        long base = usedAfterGc();
        for (int i = 0; i < principals; i++) {
            cache.get(Fixture.ISSUER, "user-" + i);
        }
        long afterPrincipals = usedAfterGc();
        for (String h : headers) {
            engine.authenticate(List.of(h), List.of());
        }
        long afterTokens = usedAfterGc();
        // the token strings themselves are also held by this program's list; count only the cache's copy
        int cachedTokens = EngineParts.of(engine).tokenCache().size();
        long principalBytes = afterPrincipals - base;
        long tokenBytes = afterTokens - afterPrincipals;
        out.printf(Locale.ROOT, "principals cached: %d (cache hits/loads: %d/%d)%n", principals, cache.hits(),
                cache.loads());
        out.printf(Locale.ROOT, "tokens cached: %d of %d, average token %d chars%n", cachedTokens, tokens,
                averageTokenChars);
        out.printf(Locale.ROOT, "heap: base %.1f MB, +principals %.1f MB (%d B each), +tokens %.1f MB (%d B each), "
                        + "total added %.1f MB%n", mb(base), mb(principalBytes), principalBytes / principals,
                mb(tokenBytes), tokenBytes / Math.max(1, cachedTokens), mb(principalBytes + tokenBytes));
        Path json = Path.of("target/jmh/memory.json");
        Files.createDirectories(json.getParent());
        Files.writeString(json, String.format(Locale.ROOT, "{\"principals\":%d,\"tokens\":%d,\"averageTokenChars\":%d,"
                        + "\"baseHeapBytes\":%d,\"principalBytes\":%d,\"tokenBytes\":%d,\"addedBytes\":%d,"
                        + "\"addedMB\":%.1f,\"goalMB\":128}%n", principals, cachedTokens, averageTokenChars, base,
                principalBytes, tokenBytes, principalBytes + tokenBytes, mb(principalBytes + tokenBytes)));
        out.println("written " + json.toAbsolutePath());
        if (cache.get(Fixture.ISSUER, "user-1") == null || headers.isEmpty()) {
            throw new IllegalStateException();
        }
        cache.close();
        engine.close();
    }

    private static long usedAfterGc() throws InterruptedException {
        Runtime rt = Runtime.getRuntime();
        long used = Long.MAX_VALUE;
        for (int i = 0; i < 5; i++) {
            System.gc();
            Thread.sleep(100);
            used = Math.min(used, rt.totalMemory() - rt.freeMemory());
        }
        return used;
    }

    private static double mb(long bytes) {
        return bytes / (1024.0 * 1024.0);
    }
}
