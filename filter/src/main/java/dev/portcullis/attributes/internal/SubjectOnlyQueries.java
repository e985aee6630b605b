package dev.portcullis.attributes.internal;

import static dev.portcullis.attributes.internal.JdbcAttributeSource.ALLOW_INSECURE_SUBJECT_ONLY_QUERIES;

import dev.portcullis.config.ConfigurationException;
import dev.portcullis.config.Settings;
import dev.portcullis.config.SettingNames;

/**
 * The startup check that keeps the principals of several issuers apart in a
 * {@link JdbcAttributeSource}: a query that ignores {@code :issuer} gives the same-named subjects of
 * every issuer the same row, so when several issuers are configured ({@code portcullis.issuer} and
 * {@code portcullis.issuers}) each query must use {@code :issuer}, unless
 * {@value JdbcAttributeSource#ALLOW_INSECURE_SUBJECT_ONLY_QUERIES} is {@code true} (only when
 * subjects are unique across all issuers, e.g. one directory behind them). With one issuer there
 * is nothing to confuse, and a subject-only query is accepted.
 *
 * <p>Thread safety: stateless.
 */
final class SubjectOnlyQueries {
    private SubjectOnlyQueries() {
    }

    /**
     * Refuses a query that ignores {@code :issuer} when the settings name several issuers.
     *
     * @throws ConfigurationException naming the first such query's setting
     */
    static void check(Settings s, String principalSetting, NamedQuery principal, String rolesSetting,
            NamedQuery roles, String attributesSetting, NamedQuery attributes) {
        int issuers = (s.get(SettingNames.ISSUER).isPresent() ? 1 : 0) + s.getList(SettingNames.ISSUERS).size();
        if (issuers > 1 && !s.getBoolean(ALLOW_INSECURE_SUBJECT_ONLY_QUERIES, false)) {
            requireIssuer(principalSetting, principal);
            requireIssuer(rolesSetting, roles);
            requireIssuer(attributesSetting, attributes);
        }
    }

    private static void requireIssuer(String setting, NamedQuery query) {
        if (!query.usesIssuer()) {
            throw new ConfigurationException(setting, "does not use :issuer, but several issuers are configured ("
                    + SettingNames.ISSUER + ", " + SettingNames.ISSUERS + "): the same subject at two issuers"
                    + " would be one principal; match the issuer, or set " + ALLOW_INSECURE_SUBJECT_ONLY_QUERIES
                    + "=true if subjects are unique across issuers");
        }
    }
}
