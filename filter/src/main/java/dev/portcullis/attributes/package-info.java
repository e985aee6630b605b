/**
 * Fresh principal attributes: the status, roles and attributes of the principal behind a token,
 * loaded from a store on every request through a cache.
 *
 * <p>{@link dev.portcullis.attributes.internal.AttributeCache} is the entry point the engine calls
 * ({@code get(issuer, subject)}); it sits in front of an
 * {@link dev.portcullis.attributes.AttributeSource}, the extension point, of which
 * {@link dev.portcullis.attributes.internal.JdbcAttributeSource} (JNDI or a HikariCP pool; schema in
 * {@code dev/portcullis/attributes/schema.sql}) and
 * {@link dev.portcullis.attributes.internal.FileAttributeSource} (YAML/JSON, reloaded on change) are
 * shipped. Failures are fail-closed:
 * {@link dev.portcullis.attributes.internal.AttributesUnavailableException} maps to
 * {@link dev.portcullis.Reason#ATTRIBUTES_UNAVAILABLE} (503).
 *
 * <p>This package uses no servlet or JAX-RS type, and no Ehcache type appears in its public API.
 */
package dev.portcullis.attributes;
