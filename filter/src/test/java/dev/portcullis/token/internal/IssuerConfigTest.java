package dev.portcullis.token.internal;

import dev.portcullis.config.ConfigurationException;
import dev.portcullis.testing.TestKeys;

import org.junit.jupiter.api.Test;

import java.net.URI;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class IssuerConfigTest {
    private static final URI JWKS = URI.create("https://idp.test/jwks");

    @Test
    void buildWhenJwksUriAndAudienceThenDefaults() {
        IssuerConfig c = IssuerConfig.builder("https://idp.test").audiences("api", "api2").jwksUri(JWKS).build();
        assertThat(c.issuer()).isEqualTo("https://idp.test");
        assertThat(c.audiences()).containsExactlyInAnyOrder("api", "api2");
        assertThat(c.algorithms()).containsExactlyInAnyOrder("RS256", "PS256", "ES256", "EdDSA");
        assertThat(c.keySource()).isEqualTo(IssuerConfig.KeySourceKind.JWKS_URI);
        assertThat(c.keyUri()).isEqualTo(JWKS);
        assertThat(c.requiredType()).isNull();
        assertThat(c.toString()).contains("https://idp.test").doesNotContain("secret");
    }

    @Test
    void builderWhenIssuerEmptyThenRefused() {
        assertThatThrownBy(() -> IssuerConfig.builder(" ")).isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("issuer");
        assertThatThrownBy(() -> IssuerConfig.builder(null)).isInstanceOf(ConfigurationException.class);
    }

    @Test
    void buildWhenNoAudienceThenRefused() {
        assertThatThrownBy(() -> IssuerConfig.builder("https://idp.test").jwksUri(JWKS).build())
                .isInstanceOf(ConfigurationException.class).hasMessageContaining("audience");
        assertThatThrownBy(() -> IssuerConfig.builder("https://idp.test").audiences(""))
                .isInstanceOf(ConfigurationException.class).hasMessageContaining("audience");
    }

    @Test
    void buildWhenNoKeySourceThenRefused() {
        assertThatThrownBy(() -> IssuerConfig.builder("https://idp.test").audiences("api").build())
                .isInstanceOf(ConfigurationException.class).hasMessageContaining("key source");
    }

    @Test
    void builderWhenTwoKeySourcesThenRefused() {
        assertThatThrownBy(() -> IssuerConfig.builder("https://idp.test").audiences("api").jwksUri(JWKS)
                .discoveryUri(URI.create("https://idp.test/.well-known/openid-configuration")))
                .isInstanceOf(ConfigurationException.class).hasMessageContaining("only one key source");
    }

    @Test
    void builderWhenPlainHttpKeyUrlThenRefusedExceptOnLoopback() {
        assertThatThrownBy(() -> IssuerConfig.builder("https://idp.test").jwksUri(URI.create("http://idp.test/jwks")))
                .isInstanceOf(ConfigurationException.class).hasMessageContaining("https");
        assertThatThrownBy(() -> IssuerConfig.builder("https://idp.test").jwksUri(URI.create("file:///etc/jwks")))
                .isInstanceOf(ConfigurationException.class).hasMessageContaining("https");
        assertThat(IssuerConfig.builder("x").audiences("a").jwksUri(URI.create("http://127.0.0.1:8080/jwks")).build()
                .keyUri().getPort()).isEqualTo(8080);
        assertThat(IssuerConfig.builder("x").audiences("a").discoveryUri(URI.create("http://localhost/d")).build()
                .keySource()).isEqualTo(IssuerConfig.KeySourceKind.DISCOVERY_URI);
    }

    @Test
    void builderWhenHttpHostOnlyLooksLikeLoopbackThenRefused() {
        for (String url : new String[] {"http://127.0.0.1.attacker.test/jwks", "http://127.evil.test/jwks",
                "http://localhost.attacker.test/jwks", "http://1270.0.0.1/jwks"}) {
            assertThatThrownBy(() -> IssuerConfig.builder("x").jwksUri(URI.create(url)))
                    .as(url).isInstanceOf(ConfigurationException.class).hasMessageContaining("https");
        }
        for (String url : new String[] {"http://127.0.0.1/jwks", "http://127.1.2.3:9000/jwks", "http://[::1]:8080/jwks",
                "http://LOCALHOST/jwks", "https://127.0.0.1.example.test/jwks"}) {
            assertThat(IssuerConfig.builder("x").audiences("a").jwksUri(URI.create(url)).build().keyUri())
                    .hasToString(url);
        }
    }

    @Test
    void algorithmsWhenNoneOrUnknownThenRefused() {
        assertThatThrownBy(() -> IssuerConfig.builder("x").algorithms(List.of("none")))
                .isInstanceOf(ConfigurationException.class).hasMessageContaining("'none'");
        assertThatThrownBy(() -> IssuerConfig.builder("x").algorithms(List.of("NONE")))
                .isInstanceOf(ConfigurationException.class).hasMessageContaining("never");
        assertThatThrownBy(() -> IssuerConfig.builder("x").algorithms(List.of("RS257")))
                .isInstanceOf(ConfigurationException.class).hasMessageStartingWith("portcullis.algorithms: unknown algorithm 'RS257'");
        assertThatThrownBy(() -> IssuerConfig.builder("x").algorithms(List.of()))
                .isInstanceOf(ConfigurationException.class).hasMessageContaining("at least one");
        assertThat(IssuerConfig.builder("x").audiences("a").jwksUri(JWKS).algorithms(List.of("RS512", "ES384")).build()
                .algorithms()).containsExactlyInAnyOrder("RS512", "ES384");
    }

    @Test
    void buildWhenHmacWithPublicKeySourceThenRefused() {
        assertThatThrownBy(() -> IssuerConfig.builder("x").audiences("a").jwksUri(JWKS)
                .algorithms(List.of("RS256", "HS256")).build())
                .isInstanceOf(ConfigurationException.class).hasMessageContaining("HMAC").hasMessageContaining("HS256");
        assertThatThrownBy(() -> IssuerConfig.builder("x").audiences("a").publicKeyFile(Path.of("k.pem"))
                .algorithms(List.of("HS256")).build())
                .isInstanceOf(ConfigurationException.class).hasMessageContaining("public keys");
    }

    @Test
    void hmacSecretWhenShorterThan32BytesThenRefused() {
        assertThatThrownBy(() -> IssuerConfig.builder("x").hmacSecret(new byte[31]))
                .isInstanceOf(ConfigurationException.class).hasMessageContaining("32 bytes").hasMessageContaining("31");
        assertThatThrownBy(() -> IssuerConfig.builder("x").hmacSecret(null))
                .isInstanceOf(ConfigurationException.class);
    }

    @Test
    void buildWhenHmacSecretOf32BytesThenHs256Only() {
        IssuerConfig c = IssuerConfig.builder("x").audiences("a").hmacSecret(TestKeys.randomSecret(32)).build();
        assertThat(c.algorithms()).containsExactly("HS256");
        assertThat(c.keySource()).isEqualTo(IssuerConfig.KeySourceKind.HMAC_SECRET);
        assertThat(c.toString()).doesNotContain("secret=");
    }

    @Test
    void buildWhenHmacSecretTooShortForHs512ThenRefused() {
        assertThatThrownBy(() -> IssuerConfig.builder("x").audiences("a").hmacSecret(TestKeys.randomSecret(32))
                .algorithms(List.of("HS512")).build())
                .isInstanceOf(ConfigurationException.class).hasMessageContaining("HS512").hasMessageContaining("64");
        assertThat(IssuerConfig.builder("x").audiences("a").hmacSecret(TestKeys.randomSecret(64))
                .algorithms(List.of("HS256", "HS384", "HS512")).build().algorithms()).hasSize(3);
    }

    @Test
    void buildWhenHmacSecretWithAsymmetricAlgorithmThenRefused() {
        assertThatThrownBy(() -> IssuerConfig.builder("x").audiences("a").hmacSecret(TestKeys.randomSecret(32))
                .algorithms(List.of("RS256")).build())
                .isInstanceOf(ConfigurationException.class).hasMessageContaining("only HS256");
    }

    @Test
    void hmacSecretWhenCallerChangesArrayThenConfigUnchanged() {
        byte[] secret = TestKeys.randomSecret(32);
        byte[] copy = secret.clone();
        IssuerConfig c = IssuerConfig.builder("x").audiences("a").hmacSecret(secret).build();
        secret[0] ^= 1;
        assertThat(c.hmacSecret()).isEqualTo(copy);
    }

    @Test
    void requiredTypeWhenGivenThenNormalised() {
        assertThat(IssuerConfig.builder("x").audiences("a").jwksUri(JWKS).requiredType("Application/AT+JWT").build()
                .requiredType()).isEqualTo("at+jwt");
        assertThatThrownBy(() -> IssuerConfig.builder("x").requiredType(" "))
                .isInstanceOf(ConfigurationException.class).hasMessageContaining("type");
    }

    @Test
    void secretBytesWhenBase64PrefixThenDecoded() {
        assertThat(IssuerConfig.secretBytes("base64:AAECAw==")).containsExactly(0, 1, 2, 3);
        assertThat(IssuerConfig.secretBytes("abc")).containsExactly('a', 'b', 'c');
    }
}
