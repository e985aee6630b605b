/**
 * Claim hygiene: refuses (or reports) access tokens that carry authorization or personal data,
 * and bounds the shape of every token's claims set.
 *
 * <p>The entry point is {@link dev.portcullis.internal.hygiene.ClaimHygiene}; it imports no servlet or
 * JAX-RS type and can be used from any adapter or from the command-line linter.
 */
package dev.portcullis.internal.hygiene;
