/**
 * Internal helpers of the policy packages (YAML with line numbers, file discovery, CEL value
 * conversion). Not an API: may change in any release.
 */
package dev.portcullis.policy.internal;
