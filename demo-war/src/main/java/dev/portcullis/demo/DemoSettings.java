package dev.portcullis.demo;

import jakarta.servlet.ServletContext;

import java.util.Locale;

/** Reads a demo flag from a system property, the environment, or a context-param, in that order. */
final class DemoSettings {
    private DemoSettings() {
    }

    static String get(ServletContext context, String name, String defaultValue) {
        String v = System.getProperty(name);
        if (v == null) {
            v = System.getenv(name.replace('.', '_').replace('-', '_').toUpperCase(Locale.ROOT));
        }
        if (v == null) {
            v = context.getInitParameter(name);
        }
        return v == null || v.isBlank() ? defaultValue : v.trim();
    }

    static boolean flag(ServletContext context, String name, boolean defaultValue) {
        return Boolean.parseBoolean(get(context, name, Boolean.toString(defaultValue)));
    }
}
