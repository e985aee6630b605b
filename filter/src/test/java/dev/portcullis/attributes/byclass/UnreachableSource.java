package dev.portcullis.attributes.byclass;

import dev.portcullis.attributes.AttributeSource;
import dev.portcullis.attributes.PrincipalAttributes;
import dev.portcullis.config.Settings;

/** An attribute source whose constructor fails, as one whose store refuses it at startup would. */
public final class UnreachableSource implements AttributeSource {
    public UnreachableSource(Settings settings) {
        throw new IllegalStateException("directory ldap://directory.example refused the connection");
    }

    @Override
    public PrincipalAttributes load(String issuer, String subject) {
        throw new AssertionError("never built");
    }
}
