package dev.portcullis.attributes;

/**
 * Loads a principal's status, roles and attributes from a store. This is the extension point:
 * Portcullis ships {@link JdbcAttributeSource} and {@link FileAttributeSource}; applications may
 * implement their own (an LDAP directory, an HTTP service) and pass it to
 * {@link AttributeCache.Builder#source}, or name it by class in {@value AttributeCache#SOURCE}:
 * the class must then be public, with a public constructor taking
 * {@link dev.portcullis.config.Settings} (to read its own settings) or none; it is loaded through
 * the thread's context class loader, and startup fails naming the setting if it is missing, is not
 * an {@code AttributeSource}, or its constructor throws.
 *
 * <p>Contract:
 * <ul>
 *   <li>A subject the store does not know is answered with status {@link PrincipalStatus#UNKNOWN}
 *       (see {@link PrincipalAttributes#unknown}), not with an exception.</li>
 *   <li>Any failure to answer (store down, bad data) throws {@link AttributeSourceException};
 *       the cache then fails closed. A {@link RuntimeException} is treated the same way.</li>
 *   <li>The answer's issuer and subject are the ones asked for.</li>
 *   <li>The issuer is matched exactly unless an implementation documents otherwise.</li>
 * </ul>
 * Sources are called through {@link AttributeCache}, which bounds each call by its load timeout,
 * runs at most one call per principal at a time, and caches the answer.
 *
 * <p>Thread safety: implementations must be safe for concurrent calls.
 */
public interface AttributeSource extends AutoCloseable {

    /**
     * Reads the principal's current attributes.
     *
     * @param issuer the token issuer, exactly as in the token
     * @param subject the subject, exactly as in the token
     * @return the attributes, with status UNKNOWN for an unknown subject; never null
     * @throws AttributeSourceException if the store cannot answer
     */
    PrincipalAttributes load(String issuer, String subject) throws AttributeSourceException;

    /** Releases what the source owns (a connection pool); the default does nothing. */
    @Override
    default void close() {
    }
}
