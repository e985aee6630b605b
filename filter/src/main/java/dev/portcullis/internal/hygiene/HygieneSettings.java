package dev.portcullis.internal.hygiene;

import dev.portcullis.config.ConfigurationException;
import dev.portcullis.config.SettingNames;
import dev.portcullis.config.Settings;

import java.util.List;
import java.util.Locale;
import java.util.Set;

import static dev.portcullis.internal.hygiene.ClaimHygiene.ALLOW_ONLY_NONE;

/**
 * Reads the hygiene settings documented on {@link ClaimHygiene} into its builder (the modes, the
 * limits, {@value SettingNames#HYGIENE_EXTRA_FORBIDDEN} entries and the {@value SettingNames#HYGIENE_ALLOW_ONLY}
 * list), and holds the checks the builder's setters and {@code build()} make, each failing with a
 * {@link ConfigurationException} naming the setting.
 *
 * <p>Thread safety: stateless.
 */
final class HygieneSettings {
    private HygieneSettings() {
    }

    /**
     * Applies every hygiene setting present in {@code settings}; unset names keep the builder's
     * current values.
     *
     * @throws ConfigurationException naming the setting and the bad value
     */
    static void apply(ClaimHygiene.Builder b, Settings settings) {
        b.authorization(settings.getEnum(SettingNames.HYGIENE_AUTHORIZATION, HygieneMode.class, b.authorizationMode));
        b.personalData(settings.getEnum(SettingNames.HYGIENE_PERSONAL_DATA, HygieneMode.class, b.personalDataMode));
        b.maxClaims(settings.getInt(SettingNames.HYGIENE_MAX_CLAIMS, b.maxClaims));
        b.maxStringLength(settings.getInt(SettingNames.HYGIENE_MAX_STRING_LENGTH, b.maxStringLength));
        b.maxArrayLength(settings.getInt(SettingNames.HYGIENE_MAX_ARRAY_LENGTH, b.maxArrayLength));
        b.maxDepth(settings.getInt(SettingNames.HYGIENE_MAX_DEPTH, b.maxDepth));
        for (String entry : settings.getList(SettingNames.HYGIENE_EXTRA_FORBIDDEN)) {
            int colon = entry.indexOf(':');
            ClaimCategory category = colon <= 0 ? null
                    : ClaimCategory.fromLabel(entry.substring(0, colon).toLowerCase(Locale.ROOT));
            if (category != ClaimCategory.AUTHORIZATION && category != ClaimCategory.PERSONAL_DATA
                    || colon == entry.length() - 1) {
                throw new ConfigurationException(SettingNames.HYGIENE_EXTRA_FORBIDDEN, "entries must be "
                        + "authorization:CLAIM or personal-data:CLAIM, was '" + ClaimNames.safeName(entry) + "'");
            }
            b.forbid(category, List.of(entry.substring(colon + 1)));
        }
        List<String> allow = settings.getList(SettingNames.HYGIENE_ALLOW_ONLY);
        if (!allow.isEmpty()) {
            if (allow.size() == 1 && allow.get(0).equals(ALLOW_ONLY_NONE)) {
                b.allowOnly(List.of());
            } else if (allow.contains(ALLOW_ONLY_NONE)) {
                throw new ConfigurationException(SettingNames.HYGIENE_ALLOW_ONLY, "'" + ALLOW_ONLY_NONE
                        + "' must be the only value, was '" + String.join(",", allow) + "'");
            } else {
                b.allowOnly(allow);
            }
        }
    }

    static HygieneMode requireMode(String setting, HygieneMode mode) {
        if (mode == null) {
            throw new ConfigurationException(setting, "must be enforce, report or off, was null");
        }
        return mode;
    }

    static int requirePositive(String setting, int value) {
        if (value < 1) {
            throw new ConfigurationException(setting, "must be at least 1, was " + value);
        }
        return value;
    }

    /** One {@value SettingNames#HYGIENE_EXTRA_FORBIDDEN} name: a claim name, not identity, not in the other category. */
    static void checkForbidden(ClaimCategory category, String name, Set<String> authorizationNames,
                               Set<String> personalDataNames) {
        ClaimNames.requireName(SettingNames.HYGIENE_EXTRA_FORBIDDEN, name);
        if (ClaimNames.IDENTITY.contains(name)) {
            throw new ConfigurationException(SettingNames.HYGIENE_EXTRA_FORBIDDEN,
                    "identity claims cannot be forbidden, was '" + name + "'");
        }
        Set<String> other = category == ClaimCategory.AUTHORIZATION ? personalDataNames : authorizationNames;
        if (other.contains(name)) {
            throw new ConfigurationException(SettingNames.HYGIENE_EXTRA_FORBIDDEN, "'" + name + "' is already in another category");
        }
    }

    /**
     * The allowlist may not name a claim of a category that is not {@code off} (it would be refused
     * or withheld all the same).
     */
    static void checkAllowOnly(CategoryRules rules) {
        if (rules.allowOnly() == null) {
            return;
        }
        for (String name : rules.allowOnly()) {
            ClaimCategory c = rules.categoryOf(name);
            HygieneMode mode = rules.modeOf(c);
            if (mode != HygieneMode.OFF) {
                String setting = c == ClaimCategory.AUTHORIZATION ? SettingNames.HYGIENE_AUTHORIZATION : SettingNames.HYGIENE_PERSONAL_DATA;
                throw new ConfigurationException(SettingNames.HYGIENE_ALLOW_ONLY, "'" + name + "' is a " + c.label()
                        + " claim, which is in " + mode.name().toLowerCase(Locale.ROOT) + " mode; set " + setting
                        + "=off to let it through");
            }
        }
    }
}
