package dev.portcullis.attributes.byclass;

import static org.assertj.core.api.Assertions.assertThat;

import dev.portcullis.Portcullis;
import dev.portcullis.attributes.internal.AttributeCache;
import dev.portcullis.attributes.AttributeSource;
import dev.portcullis.attributes.PrincipalStatus;
import dev.portcullis.config.ConfigurationException;
import dev.portcullis.config.Settings;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@value AttributeCache#SOURCE} names an {@link AttributeSource} by class, as
 * {@value Portcullis#RESOURCE_RESOLVER} names a resolver: public, constructor taking settings or
 * none, loaded through the context class loader; anything else stops startup naming the setting.
 * (In its own package: the engine reaches these classes as it would an application's.)
 */
class AttributeSourceByClassTest {
    private static final String ISSUER = "https://idp.example";

    private AttributeCache cache;

    @AfterEach
    void tearDown() {
        if (cache != null) {
            cache.close();
        }
    }

    private static Settings settings(String source, String... more) {
        Map<String, String> m = new HashMap<>();
        m.put(AttributeCache.SOURCE, source);
        for (int i = 0; i < more.length; i += 2) {
            m.put(more[i], more[i + 1]);
        }
        return Settings.of(m);
    }

    private static ConfigurationException refusal(Settings s) {
        try {
            AttributeCache.fromSettings(s).ifPresent(AttributeCache::close);
        } catch (ConfigurationException e) {
            return e;
        }
        throw new AssertionError("started with " + s);
    }

    @Test
    void fromSettingsWhenClassWithSettingsConstructorThenItIsTheSource() throws Exception {
        Optional<AttributeCache> built = AttributeCache.fromSettings(settings(DirectorySource.class.getName(),
                DirectorySource.ROLE, "reader", AttributeCache.TTL, "10s"));

        assertThat(built).isPresent();
        cache = built.get();
        assertThat(cache.get(ISSUER, "alice").roles()).containsExactly("reader");
        assertThat(cache.get(ISSUER, "alice").status()).isEqualTo(PrincipalStatus.ACTIVE);
        assertThat(cache.toString()).contains("source=DirectorySource");
    }

    @Test
    void fromSettingsWhenClassWithNoArgumentConstructorThenItIsTheSource() throws Exception {
        cache = AttributeCache.fromSettings(settings(" " + NoSettingsSource.class.getName() + " ")).orElseThrow();

        assertThat(cache.get(ISSUER, "bob").roles()).containsExactly("guest");
    }

    @Test
    void fromSettingsWhenKeywordInAnyCaseThenShippedSourceNotAClass() {
        // positive control for the keywords: "FILE" is the file source (which then wants its file)
        assertThat(refusal(settings("FILE")).setting()).startsWith("portcullis.attributes.file");
        assertThat(AttributeCache.fromSettings(settings("None"))).isEmpty();
    }

    @Test
    void fromSettingsWhenClassMissingThenRefusedNamingTheSetting() {
        ConfigurationException e = refusal(settings("com.example.LdapSource"));

        assertThat(e.setting()).isEqualTo(AttributeCache.SOURCE);
        assertThat(e).hasMessage(AttributeCache.SOURCE + ": no class com.example.LdapSource on the class path");
    }

    @Test
    void fromSettingsWhenClassIsNotAnAttributeSourceThenRefusedNamingTheSetting() {
        ConfigurationException e = refusal(settings(NotASource.class.getName()));

        assertThat(e.setting()).isEqualTo(AttributeCache.SOURCE);
        assertThat(e).hasMessage(AttributeCache.SOURCE + ": " + NotASource.class.getName()
                + " does not implement dev.portcullis.attributes.AttributeSource");
    }

    @Test
    void fromSettingsWhenConstructorFailsThenRefusedNamingTheSettingWithTheCause() {
        ConfigurationException e = refusal(settings(UnreachableSource.class.getName()));

        assertThat(e.setting()).isEqualTo(AttributeCache.SOURCE);
        assertThat(e).hasMessage(AttributeCache.SOURCE + ": cannot create " + UnreachableSource.class.getName()
                + ": java.lang.IllegalStateException: directory ldap://directory.example refused the connection");
        assertThat(e.getCause()).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void fromSettingsWhenConstructorRefusesItsOwnSettingThenThatRefusalPassesThrough() {
        // DirectorySource requires its role setting: Settings.require names it
        ConfigurationException e = refusal(settings(DirectorySource.class.getName()));

        assertThat(e.setting()).isEqualTo(DirectorySource.ROLE);
    }

    @Test
    void fromSettingsWhenNoPublicConstructorThenRefusedNamingTheSetting() {
        ConfigurationException e = refusal(settings(Hidden.class.getName()));

        assertThat(e.setting()).isEqualTo(AttributeCache.SOURCE);
        assertThat(e).hasMessageStartingWith(AttributeCache.SOURCE + ": cannot create " + Hidden.class.getName()
                + ": java.lang.NoSuchMethodException");
    }

    @Test
    void fromSettingsWhenBadCacheSettingThenRefusedBeforeTheSourceIsCreated() {
        int closed = DirectorySource.CLOSED.get();
        ConfigurationException e = refusal(settings(UnreachableSource.class.getName(), AttributeCache.TTL, "soon"));

        assertThat(e.setting()).isEqualTo(AttributeCache.TTL);
        assertThat(DirectorySource.CLOSED.get()).isEqualTo(closed);
    }

    @Test
    void fromSettingsWhenCacheCannotBeBuiltThenTheCreatedSourceIsClosed(@TempDir Path dir) throws Exception {
        Path xml = dir.resolve("ehcache.xml");
        Files.writeString(xml, "<config xmlns='http://www.ehcache.org/v3'>\n"
                + "  <cache alias='other'><heap unit='entries'>100</heap></cache>\n"
                + "</config>\n", StandardCharsets.UTF_8);
        int closed = DirectorySource.CLOSED.get();

        ConfigurationException e = refusal(settings(DirectorySource.class.getName(), DirectorySource.ROLE, "reader",
                AttributeCache.EHCACHE_XML, xml.toString()));

        assertThat(e.setting()).isEqualTo(AttributeCache.EHCACHE_ALIAS);
        assertThat(DirectorySource.CLOSED.get()).isEqualTo(closed + 1);
    }

    @Test
    void fromSettingsWhenClassOnlyInTheContextClassLoaderThenFound() throws Exception {
        // as in a container: the class is visible to the application's loader, the thread's context
        URL classes = DirectorySource.class.getProtectionDomain().getCodeSource().getLocation();
        Thread thread = Thread.currentThread();
        ClassLoader previous = thread.getContextClassLoader();
        try (URLClassLoader app = new URLClassLoader(new URL[] {classes}, AttributeCache.class.getClassLoader()) {
            @Override
            protected Class<?> loadClass(String name, boolean resolve) throws ClassNotFoundException {
                if (name.equals(NoSettingsSource.class.getName())) {
                    synchronized (getClassLoadingLock(name)) {
                        Class<?> c = findLoadedClass(name);
                        return c != null ? c : findClass(name);
                    }
                }
                return super.loadClass(name, resolve);
            }
        }) {
            int created = NoSettingsSource.CREATED.get();
            thread.setContextClassLoader(app);
            cache = AttributeCache.fromSettings(settings(NoSettingsSource.class.getName())).orElseThrow();

            assertThat(cache.get(ISSUER, "carol").roles()).containsExactly("guest");
            // the instance is of the context loader's copy of the class, not of this test's
            Class<?> appCopy = app.loadClass(NoSettingsSource.class.getName());
            assertThat(appCopy).isNotSameAs(NoSettingsSource.class);
            assertThat(((AtomicInteger) appCopy.getField("CREATED").get(null)).get()).isEqualTo(1);
            assertThat(NoSettingsSource.CREATED.get()).isEqualTo(created);
        } finally {
            thread.setContextClassLoader(previous);
        }
    }

    /** Public, but its only constructor is not. */
    public static final class Hidden implements AttributeSource {
        Hidden() {
        }

        @Override
        public dev.portcullis.attributes.PrincipalAttributes load(String issuer, String subject) {
            throw new AssertionError("never built");
        }
    }
}
