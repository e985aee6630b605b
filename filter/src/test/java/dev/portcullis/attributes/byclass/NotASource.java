package dev.portcullis.attributes.byclass;

import dev.portcullis.config.Settings;

/** A public class with a settings constructor that is not an attribute source. */
public final class NotASource {
    public NotASource(Settings settings) {
    }
}
