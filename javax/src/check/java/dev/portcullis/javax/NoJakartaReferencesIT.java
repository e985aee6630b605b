package dev.portcullis.javax;

import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The build check of every javax artifact (shared by the modules under {@code javax/}): the packaged
 * jar or WAR (Failsafe passes it as {@code javax.artifact}), with the Portcullis jars inside a WAR
 * (third-party libraries such as H2 or Jersey 2 may name Jakarta APIs they never load here), holds no
 * {@code jakarta.servlet} or {@code jakarta.ws.rs} reference in any class (constant pool: type
 * descriptors use {@code jakarta/servlet/...}, inlined constants such as
 * {@code "jakarta.servlet.include.request_uri"} the dotted form), in any descriptor or service
 * file, nor in any entry name (a service file left as {@code META-INF/services/jakarta.servlet...});
 * the build metadata under {@code META-INF/maven} aside. Failures name the entry.
 */
class NoJakartaReferencesIT {
    private static final List<String> FORBIDDEN = List.of(
            "jakarta/servlet", "jakarta.servlet", "jakarta/ws/rs", "jakarta.ws.rs");

    @Test
    void artifactWhenPackagedThenNoJakartaServletOrRestReference() throws IOException {
        Path artifact = Path.of(System.getProperty("javax.artifact"));
        List<String> offenders = new ArrayList<>();
        int[] javaxReferences = {0};
        try (InputStream in = Files.newInputStream(artifact)) {
            scan(artifact.getFileName().toString(), in, offenders, javaxReferences);
        }

        assertEquals(List.of(), offenders, "jakarta references left in " + artifact);
        // positive control: the scan read the transformed classes, which do refer to the javax APIs
        assertTrue(javaxReferences[0] > 0, "no javax.servlet or javax.ws.rs reference found in " + artifact);
    }

    @Test
    void scanWhenJakartaReferenceThenNamesTheEntry() throws IOException {
        List<String> offenders = new ArrayList<>();
        scan("planted.jar", new ByteArrayInputStream(zip("a/B.class",
                "\u0001\u0000\u001cjakarta/servlet/http/Cookie")), offenders, new int[1]);

        assertEquals(List.of("planted.jar!a/B.class: jakarta/servlet"), offenders);
    }

    private static void scan(String name, InputStream in, List<String> offenders, int[] javaxReferences)
            throws IOException {
        ZipInputStream zip = new ZipInputStream(in);
        for (ZipEntry entry; (entry = zip.getNextEntry()) != null; ) {
            String path = name + "!" + entry.getName();
            if (entry.getName().endsWith(".jar")) {
                if (entry.getName().startsWith("WEB-INF/lib/portcullis-")) {
                    scan(path, new ByteArrayInputStream(zip.readAllBytes()), offenders, javaxReferences);
                }
            } else if (!entry.isDirectory() && !entry.getName().startsWith("META-INF/maven/")) {
                String text = new String(zip.readAllBytes(), StandardCharsets.ISO_8859_1);
                for (String forbidden : FORBIDDEN) {
                    if (entry.getName().contains(forbidden)) {
                        offenders.add(path + ": name");
                    }
                    if (text.contains(forbidden)) {
                        offenders.add(path + ": " + forbidden);
                    }
                }
                if (entry.getName().endsWith(".class")
                        && (text.contains("javax/servlet/") || text.contains("javax/ws/rs/"))) {
                    javaxReferences[0]++;
                }
            }
        }
    }

    private static byte[] zip(String entry, String content) throws IOException {
        java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();
        try (java.util.zip.ZipOutputStream out = new java.util.zip.ZipOutputStream(bytes)) {
            out.putNextEntry(new ZipEntry(entry));
            out.write(content.getBytes(StandardCharsets.ISO_8859_1));
            out.closeEntry();
        }
        return bytes.toByteArray();
    }
}
