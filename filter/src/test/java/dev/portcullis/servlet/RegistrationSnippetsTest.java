package dev.portcullis.servlet;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The README's web.xml and {@code @WebFilter} registrations are the ones the registration WARs
 * deploy ({@code it/registration-wars}: {@code webapp-webxml/WEB-INF/web.xml},
 * {@code AppPortcullis}), so that what {@code RegistrationTests} checks on Jetty and Tomcat
 * (asynchronous requests among it) holds for the registrations users copy; both declare the filter
 * async-supported and the web.xml mapping names its dispatcher type.
 */
class RegistrationSnippetsTest {
    private static final Path README = Path.of("../README.md");
    private static final Path WARS = Path.of("../it/registration-wars/src/main");

    @Test
    void webXmlWhenReadmeAndWarComparedThenSameFilterAndMapping() throws IOException {
        String snippet = block(section("**1. web.xml**"), "```xml");
        String war = Files.readString(WARS.resolve("webapp-webxml/WEB-INF/web.xml"), StandardCharsets.UTF_8);

        String filter = element(snippet, "filter");
        String mapping = element(snippet, "filter-mapping");
        assertThat(filter).contains("<async-supported>true</async-supported>");
        assertThat(mapping).contains("<dispatcher>REQUEST</dispatcher>");
        assertThat(squeezed(war)).as("the registration WAR's web.xml declares the README's filter")
                .contains(squeezed(filter))
                .contains(squeezed(mapping));
    }

    @Test
    void webFilterWhenReadmeAndWarComparedThenSameAnnotation() throws IOException {
        String snippet = block(section("**2. One annotated class**"), "```java");
        String war = Files.readString(WARS.resolve("java/dev/portcullis/it/app/annotation/AppPortcullis.java"),
                StandardCharsets.UTF_8);

        String annotation = snippet.substring(snippet.indexOf("@WebFilter"), snippet.indexOf("public class"));
        assertThat(annotation).contains("asyncSupported = true");
        assertThat(squeezed(war)).as("AppPortcullis carries the README's annotation").contains(squeezed(annotation));
    }

    /** The README from {@code heading} on. */
    private static String section(String heading) throws IOException {
        String readme = Files.readString(README, StandardCharsets.UTF_8);
        int at = readme.indexOf(heading);
        assertThat(at).as("README has " + heading).isNotNegative();
        return readme.substring(at);
    }

    /** The first fenced block opened by {@code fence} in {@code text}. */
    private static String block(String text, String fence) {
        int start = text.indexOf(fence);
        assertThat(start).as("a " + fence + " block").isNotNegative();
        int body = text.indexOf('\n', start) + 1;
        return text.substring(body, text.indexOf("```", body));
    }

    /** The first {@code <name>...</name>} element, tags included. */
    private static String element(String xml, String name) {
        Matcher m = Pattern.compile("<" + name + ">.*?</" + name + ">", Pattern.DOTALL).matcher(xml);
        assertThat(m.find()).as("<" + name + "> in\n" + xml).isTrue();
        return m.group();
    }

    /** Without whitespace, so that indentation and line breaks do not matter. */
    private static String squeezed(String s) {
        return s.replaceAll("\\s+", "");
    }
}
