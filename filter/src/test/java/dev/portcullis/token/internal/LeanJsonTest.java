package dev.portcullis.token.internal;

import dev.portcullis.PortcullisException;
import dev.portcullis.Reason;
import dev.portcullis.testing.TestKeys;
import dev.portcullis.testing.Tokens;

import org.jose4j.json.JsonUtil;
import org.jose4j.lang.JoseException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

/**
 * {@link LeanJson} reads what it accepts exactly as jose4j's {@code JsonUtil} does (same values,
 * same Java types), refuses the rest (the token then goes to jose4j, which gives the usual verdict),
 * and the validator's verdicts do not depend on which reader took the token.
 */
class LeanJsonTest {
    @TempDir
    Path dir;

    @ParameterizedTest
    @ValueSource(strings = {
        "{}",
        " {\"a\" : 1 } ",
        "{\"iss\":\"https://issuer.test\",\"sub\":\"alice\",\"aud\":[\"api\",\"other\"],\"exp\":1767225600,\"iat\":1767222000}",
        "{\"n\":[0,-0,1.5,-2.5e3,1E5,1e-2,9223372036854775807,-9223372036854775808,9223372036854775808,-9223372036854775809]}",
        "{\"s\":\"q\\\"b\\\\s\\/n\\nr\\rt\\tb\\bf\\f\",\"u\":\"\\u00e9\\u20ac\\ud83d\\ude00\\ud800\",\"raw\":\"\u00e9\u20ac\"}",
        "{\"t\":true,\"f\":false,\"z\":null,\"e\":{},\"a\":[],\"deep\":{\"x\":[{\"y\":[1,[2,{\"z\":3}]]}]}}",
        "{\"\":\"empty name\",\"big\":123456789012345678901234567890}"
    })
    void parseObjectWhenStrictJsonThenSameValuesAndTypesAsJose4j(String json) throws JoseException {
        Map<String, Object> lean = LeanJson.parseObject(json);
        Map<String, Object> jose4j = JsonUtil.parseJson(json);
        assertThat(lean).isEqualTo(jose4j);
        assertSameTypes(lean, jose4j);
    }

    private static void assertSameTypes(Object lean, Object jose4j) {
        if (lean == null) {
            assertThat(jose4j).isNull();
            return;
        }
        if (lean instanceof Map) {
            Map<?, ?> a = (Map<?, ?>) lean;
            Map<?, ?> b = (Map<?, ?>) jose4j;
            for (Object k : a.keySet()) {
                assertSameTypes(a.get(k), b.get(k));
            }
        } else if (lean instanceof java.util.List) {
            java.util.List<?> a = (java.util.List<?>) lean;
            java.util.List<?> b = (java.util.List<?>) jose4j;
            for (int i = 0; i < a.size(); i++) {
                assertSameTypes(a.get(i), b.get(i));
            }
        } else {
            assertThat(lean.getClass()).as("type of %s", lean).isEqualTo(jose4j.getClass());
        }
    }

    @Test
    void parseObjectWhenNumbersThenJose4jTypes() {
        Map<String, Object> m = LeanJson.parseObject("{\"l\":1,\"b\":9223372036854775808,\"d\":1.0,\"e\":1e2}");
        assertThat(m.get("l")).isEqualTo(1L);
        assertThat(m.get("b")).isEqualTo(new BigInteger("9223372036854775808"));
        assertThat(m.get("d")).isEqualTo(1.0d);
        assertThat(m.get("e")).isEqualTo(100.0d);
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "{\"a\":1,\"a\":2}", "{\"a\":{\"b\":1,\"b\":1}}", "[]", "\"x\"", "", "{", "{\"a\":1,}", "{\"a\":[1,]}",
        "{\"a\":01}", "{\"a\":+1}", "{\"a\":.5}", "{\"a\":1.}", "{\"a\":1e}", "{\"a\":-}", "{\"a\":\"\u0001\"}",
        "{\"a\":\"x}", "{\"a\":\"\\x\"}", "{\"a\":\"\\u12g4\"}", "{\"a\":tru}", "{\"a\":NaN}", "{} x", "{}{}",
        "{a:1}", "{'a':1}", "{\"a\" 1}", "{\"a\":1 \"b\":2}", "\u00a0{}",
        "{\"a\":\"\\u\uff10\uff10\uff14\uff11\"}" // full-width digits are not hex digits in JSON
    })
    void parseObjectWhenNotStrictJsonOrDuplicateThenRefused(String json) {
        assertThat(LeanJson.parseObject(json)).isNull();
    }

    @Test
    void parseObjectWhenNestedBeyondLimitThenRefusedAndAtLimitRead() {
        String atLimit = "{\"a\":" + "[".repeat(LeanJson.MAX_DEPTH - 1) + "]".repeat(LeanJson.MAX_DEPTH - 1) + "}";
        assertThat(LeanJson.parseObject(atLimit)).isNotNull();
        String beyond = "{\"a\":" + "[".repeat(LeanJson.MAX_DEPTH) + "]".repeat(LeanJson.MAX_DEPTH) + "}";
        assertThat(LeanJson.parseObject(beyond)).isNull();
    }

    private TokenValidator validator() throws Exception {
        Path file = Files.writeString(dir.resolve("jwks.json"), TestKeys.jwks(TestKeys.rsa()));
        return TokenValidator.builder().issuer(IssuerConfig.builder(Tokens.ISSUER).audiences(Tokens.AUDIENCE)
                .jwksFile(file).build()).build();
    }

    @Test
    void validateWhenDuplicateClaimThenStillMalformedAndTwinWithoutDuplicateVerifies() throws Exception {
        TokenValidator v = validator();
        long now = System.currentTimeMillis() / 1000;
        String claims = "{\"iss\":\"" + Tokens.ISSUER + "\",\"sub\":\"alice\",\"aud\":\"api\",\"exp\":" + (now + 300) + ",\"iat\":" + now;
        String twin = Tokens.signedWith(TestKeys.rsa()).rawPayload(claims + "}").sign();
        assertThat(v.validate(twin).subject()).isEqualTo("alice");
        String duplicate = Tokens.signedWith(TestKeys.rsa()).rawPayload(claims + ",\"sub\":\"bob\"}").sign();
        PortcullisException e = catchThrowableOfType(() -> v.validate(duplicate), PortcullisException.class);
        assertThat(e.reason()).isEqualTo(Reason.MALFORMED_TOKEN);
    }

    @Test
    void validateWhenLeadingZeroOnlyJose4jReadsThenSameVerdictAsBefore() throws Exception {
        // the lean reader refuses "iat":0N; jose4j reads it as before, so the token still verifies
        TokenValidator v = validator();
        long now = System.currentTimeMillis() / 1000;
        String claims = "{\"iss\":\"" + Tokens.ISSUER + "\",\"sub\":\"alice\",\"aud\":\"api\",\"exp\":" + (now + 300)
                + ",\"iat\":0" + now + "}";
        assertThat(LeanJson.parseObject(claims)).isNull();
        assertThat(v.validate(Tokens.signedWith(TestKeys.rsa()).rawPayload(claims).sign()).subject()).isEqualTo("alice");
    }
}
