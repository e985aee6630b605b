package dev.portcullis.internal.hygiene;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Claim sets shaped like jose4j's {@code JwtClaims.getClaimsMap()}. */
final class Claims {
    private Claims() {
    }

    /** A clean ten-claim identity token. */
    static Map<String, Object> identity() {
        Map<String, Object> c = new LinkedHashMap<>();
        c.put("iss", "https://idp.example.com/realms/demo");
        c.put("sub", "5b7a0c3e-2f1d-4d8e-9c55-0b1f0c9a1d2e");
        c.put("aud", "orders-api");
        c.put("exp", 1764387600L);
        c.put("iat", 1764387300L);
        c.put("nbf", 1764387300L);
        c.put("jti", "c0ffee00-1111-2222-3333-444455556666");
        c.put("azp", "orders-web");
        c.put("scope", "openid orders");
        c.put("sid", "9f8e7d6c");
        return c;
    }

    static Map<String, Object> identityWith(String name, Object value) {
        Map<String, Object> c = identity();
        c.put(name, value);
        return c;
    }

    /** The default access token of a Keycloak confidential client. */
    static Map<String, Object> keycloak() {
        Map<String, Object> c = new LinkedHashMap<>();
        c.put("exp", 1764387600L);
        c.put("iat", 1764387300L);
        c.put("jti", "onrtac:2b4f8a0e-7d7c-4b8e-a1a4-3c1c2d9e8f70");
        c.put("iss", "http://127.0.0.1:8180/realms/demo");
        c.put("aud", "account");
        c.put("sub", "8c1f4f6e-7a55-4d0b-8f0f-6a8d7d3c2b1a");
        c.put("typ", "Bearer");
        c.put("azp", "portcullis-demo");
        c.put("sid", "3e1d2c4b-5a69-4788-9a0b-1c2d3e4f5a6b");
        c.put("acr", "1");
        c.put("allowed-origins", List.of("http://localhost:8080"));
        c.put("realm_access", Map.of("roles",
                List.of("default-roles-demo", "offline_access", "uma_authorization")));
        c.put("resource_access", Map.of("account", Map.of("roles",
                List.of("manage-account", "manage-account-links", "view-profile"))));
        c.put("scope", "openid email profile");
        c.put("email_verified", Boolean.FALSE);
        c.put("name", "Alice Doe");
        c.put("preferred_username", "alice");
        c.put("given_name", "Alice");
        c.put("family_name", "Doe");
        c.put("email", "alice@example.com");
        return c;
    }

    /** A value nested {@code levels} deep: a map or list per level around a string, built without recursion. */
    static Object nested(int levels, boolean lists) {
        Object v = "leaf";
        for (int i = 0; i < levels; i++) {
            if (lists) {
                List<Object> l = new ArrayList<>();
                l.add(v);
                v = l;
            } else {
                Map<String, Object> m = new LinkedHashMap<>();
                m.put("a", v);
                v = m;
            }
        }
        return v;
    }

    static List<Object> list(int size) {
        List<Object> l = new ArrayList<>();
        for (int i = 0; i < size; i++) {
            l.add("s" + i);
        }
        return l;
    }

    static Map<String, Object> withClaimCount(int count) {
        Map<String, Object> c = identity();
        for (int i = c.size(); i < count; i++) {
            c.put("x" + i, (long) i);
        }
        return c;
    }
}
