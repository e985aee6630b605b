package dev.portcullis.attributes;

/**
 * Thrown by an {@link AttributeSource} when the store cannot answer: it is down, too slow, or
 * holds data Portcullis cannot read. A subject the store does not know is <em>not</em> a failure:
 * the source answers with {@link PrincipalStatus#UNKNOWN}.
 *
 * <p>The message goes to the log only, never to a client.
 */
public class AttributeSourceException extends Exception {
    private static final long serialVersionUID = 1L;

    public AttributeSourceException(String message) {
        super(message);
    }

    public AttributeSourceException(String message, Throwable cause) {
        super(message, cause);
    }
}
