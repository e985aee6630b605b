package dev.portcullis;

import dev.portcullis.attributes.PrincipalAttributes;
import dev.portcullis.policy.PrincipalContext;

import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReferenceArray;

/**
 * Remembers the {@link PrincipalContext} built for recent {@link PrincipalAttributes} instances,
 * so that a request whose attributes came from the attribute cache (which returns the same
 * immutable instance on every hit) does not copy and convert the attribute map again.
 *
 * <p>A direct-mapped table of {@value #SLOTS} slots indexed by identity hash: a slot matches only
 * the very same attributes instance, so fresh attributes (a reload, a revocation) always get a
 * fresh context. Colliding principals overwrite each other's slot; that costs a rebuild, never a
 * wrong answer. Memory is bounded by the slot count.
 *
 * <p>Thread safety: thread-safe and lock-free; slots are replaced atomically.
 */
final class PrincipalContexts {
    static final int SLOTS = 4096;
    /** {@code P.attr.iss}: the principal's issuer, exactly as in the token; reserved. */
    static final String ISSUER_ATTRIBUTE = "iss";
    /** {@code P.attr.sub}: the principal's subject at its issuer, without prefix; reserved. */
    static final String SUBJECT_ATTRIBUTE = "sub";

    private final AtomicReferenceArray<Slot> slots = new AtomicReferenceArray<>(SLOTS);

    /**
     * The context of principal {@code id} (subject {@code subject} of {@code issuer}) with
     * {@code attrs}: cached for this exact instance, id and issuer, or built and cached. Policies
     * see the issuer and the subject as the reserved attributes {@value #ISSUER_ATTRIBUTE} and
     * {@value #SUBJECT_ATTRIBUTE}; an attribute of the store with either name is replaced.
     */
    PrincipalContext of(String id, String issuer, String subject, PrincipalAttributes attrs) {
        return of(id, issuer, subject, attrs, null);
    }

    /**
     * As above; when {@code scopeAttribute} is set, the principal attribute of that name becomes
     * the principal's Cerbos scope ({@code P.scope}); without that attribute the principal is in
     * the root scope.
     *
     * @throws IllegalArgumentException when the attribute is not a string holding a valid scope
     */
    PrincipalContext of(String id, String issuer, String subject, PrincipalAttributes attrs, String scopeAttribute) {
        int i = spread(System.identityHashCode(attrs)) & (SLOTS - 1);
        Slot slot = slots.getAcquire(i);
        if (slot != null && slot.attributes == attrs && slot.context.id().equals(id)
                && issuer.equals(slot.context.attr().get(ISSUER_ATTRIBUTE))) {
            return slot.context;
        }
        Map<String, Object> attr = new HashMap<>(attrs.attributes());
        attr.put(ISSUER_ATTRIBUTE, issuer);
        attr.put(SUBJECT_ATTRIBUTE, subject);
        PrincipalContext context = PrincipalContext.of(id, attrs.roles(), attr);
        if (scopeAttribute != null && attr.get(scopeAttribute) != null) {
            Object scope = attr.get(scopeAttribute);
            if (!(scope instanceof String)) {
                throw new IllegalArgumentException("principal attribute '" + scopeAttribute + "' is not a string scope");
            }
            context = context.withScope((String) scope);
        }
        slots.setRelease(i, new Slot(attrs, context));
        return context;
    }

    private static int spread(int h) {
        return h ^ (h >>> 16);
    }

    private static final class Slot {
        final PrincipalAttributes attributes;
        final PrincipalContext context;

        Slot(PrincipalAttributes attributes, PrincipalContext context) {
            this.attributes = attributes;
            this.context = context;
        }
    }
}
