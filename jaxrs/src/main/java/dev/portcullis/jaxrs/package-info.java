/**
 * The JAX-RS adapter: authentication and per-method authorization filters for any JAX-RS 3.1
 * runtime, with no dependency on the servlet API.
 */
package dev.portcullis.jaxrs;
