/**
 * Helpers shared by the engine's packages; not part of the public API.
 */
package dev.portcullis.internal;
