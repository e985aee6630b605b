package dev.portcullis.jaxrs;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The attribute store of the tests (a YAML file the engine re-reads on every load) and the engine
 * settings that use it with the test policies and {@link DocumentOwners}.
 */
final class TestStore {
    private final Path file;

    TestStore(Path dir) {
        this.file = dir.resolve("principals.yaml");
        write(List.of("admin", "user"));
    }

    /** Rewrites the store; {@code erinRoles} are the roles of the principal the revocation tests change. */
    void write(List<String> erinRoles) {
        String yaml = "principals:\n"
                + principal("alice", "ACTIVE", List.of("user"))
                + principal("bob", "ACTIVE", List.of("user"))
                + principal("root", "ACTIVE", List.of("admin", "user"))
                + principal("dave", "ACTIVE", List.of())
                + principal("carol", "DISABLED", List.of("user"))
                + principal("erin", "ACTIVE", erinRoles)
                + principal("leaver", "ACTIVE", List.of("user"));
        try {
            Files.writeString(file, yaml, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String principal(String subject, String status, List<String> roles) {
        return "  - issuer: " + TokenMint.ISSUER + "\n"
                + "    subject: " + subject + "\n"
                + "    status: " + status + "\n"
                + "    roles: [" + String.join(", ", roles) + "]\n";
    }

    /** Engine settings: the mint's issuer, this store, the test policies and resource owners. */
    Map<String, String> settings(TokenMint mint) {
        Map<String, String> s = new HashMap<>(mint.settings());
        s.put("portcullis.attributes.source", "file");
        s.put("portcullis.attributes.file", file.toString());
        s.put("portcullis.attributes.file-check-interval", "0s");
        s.put("portcullis.policy.dir", "classpath:policies/jaxrs");
        s.put("portcullis.resource-resolver", DocumentOwners.class.getName());
        return s;
    }
}
