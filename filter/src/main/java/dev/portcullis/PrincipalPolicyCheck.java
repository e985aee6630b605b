package dev.portcullis;

import dev.portcullis.config.ConfigurationException;
import dev.portcullis.config.SettingNames;
import dev.portcullis.policy.internal.CerbosPolicyEvaluator;
import dev.portcullis.policy.PolicyEvaluator;
import dev.portcullis.token.internal.PrincipalIds;
import dev.portcullis.token.internal.TokenSettings;

import java.util.Map;

/**
 * The startup check of principal policies against the configured issuers: with several issuers a
 * principal policy names a principal id ({@code P.id}, the issuer's principal prefix and the
 * subject), and one that no configured issuer's principal can have is refused, naming the file
 * and the settings, instead of silently never matching. (Policies cannot match across issuers
 * whatever they name: ids of different issuers differ by construction, see {@link PrincipalIds}.)
 *
 * <p>Thread safety: stateless.
 */
final class PrincipalPolicyCheck {
    private PrincipalPolicyCheck() {
    }

    /**
     * @throws ConfigurationException naming {@value SettingNames#POLICY_DIR} and the file
     *         of the first principal policy whose principal belongs to no configured issuer
     */
    static void check(PolicyEvaluator policy, PrincipalIds ids) {
        for (Map.Entry<String, String> e : policy.principalPolicies().entrySet()) {
            if (ids.issuerOf(e.getKey()).isEmpty()) {
                throw new ConfigurationException(SettingNames.POLICY_DIR, "the principal policy for '"
                        + e.getKey() + "' in " + e.getValue() + " names no principal of any configured issuer: with"
                        + " several issuers a principal policy names the principal id policies see (P.id), the"
                        + " issuer's principal prefix followed by the subject (" + ids + "; "
                        + SettingNames.PRINCIPAL_PREFIX + ", " + SettingNames.ISSUERS + ".<key>.principal-prefix)");
            }
        }
    }
}
