package dev.portcullis.policy.internal;

import dev.portcullis.config.ConfigurationException;
import dev.portcullis.config.SettingNames;
import dev.portcullis.config.Settings;
import dev.portcullis.policy.PolicyLoadException;

import java.io.IOException;
import java.io.InputStream;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;

/**
 * Reads the engine settings of the built-in evaluator ({@value SettingNames#POLICY_GLOBALS},
 * {@value SettingNames#POLICY_LENIENT_SCOPE_SEARCH}, {@value SettingNames#POLICY_SCHEMA_ENFORCEMENT},
 * {@value SettingNames#POLICY_EVALUATION})
 * once, at startup, into a function that applies them to a {@link CerbosPolicyEvaluator.Builder}
 * (also on every reload). A bad value fails with a {@link ConfigurationException} naming the setting.
 *
 * <p>Thread safety: stateless; the returned function is immutable.
 */
final class EngineSettings {
    private EngineSettings() {
    }

    static UnaryOperator<CerbosPolicyEvaluator.Builder> read(Settings settings) {
        boolean lenient = settings.getBoolean(SettingNames.POLICY_LENIENT_SCOPE_SEARCH, false);
        String enforcement = settings.get(SettingNames.POLICY_SCHEMA_ENFORCEMENT).orElse("reject");
        CerbosPolicyEvaluator.builder().schemaEnforcement(enforcement);
        Map<String, Object> globals = settings.get(SettingNames.POLICY_GLOBALS).map(EngineSettings::globals)
                .orElse(Map.of());
        dev.portcullis.policy.EvaluationMode mode = CerbosPolicyEvaluator.evaluationMode(settings);
        return b -> b.lenientScopeSearch(lenient).schemaEnforcement(enforcement).globals(globals).evaluationMode(mode);
    }

    /** Reads a YAML or JSON map of globals from a file or {@code classpath:} location. */
    static Map<String, Object> globals(String location) {
        String text;
        try {
            if (location.startsWith(CerbosPolicyEvaluator.CLASSPATH_PREFIX)) {
                String res = location.substring(CerbosPolicyEvaluator.CLASSPATH_PREFIX.length());
                ClassLoader cl = Thread.currentThread().getContextClassLoader();
                try (InputStream in = (cl != null ? cl : EngineSettings.class.getClassLoader())
                        .getResourceAsStream(res.startsWith("/") ? res.substring(1) : res)) {
                    if (in == null) {
                        throw new ConfigurationException(SettingNames.POLICY_GLOBALS,
                                "classpath resource not found, was '" + location + "'");
                    }
                    text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
                }
            } else {
                text = Files.readString(Path.of(location), StandardCharsets.UTF_8);
            }
        } catch (IOException e) {
            throw new ConfigurationException(SettingNames.POLICY_GLOBALS,
                    "cannot read '" + location + "': " + e.getMessage());
        }
        try {
            List<YamlNode> docs = YamlNode.parseAll(location, new StringReader(text));
            if (docs.size() != 1 || !docs.get(0).isMap()) {
                throw new ConfigurationException(SettingNames.POLICY_GLOBALS,
                        "must hold one YAML or JSON map of names to values, was '" + location + "'");
            }
            @SuppressWarnings("unchecked")
            Map<String, Object> m = (Map<String, Object>) docs.get(0).toJava();
            return CelValues.attributes(m);
        } catch (PolicyLoadException e) {
            throw new ConfigurationException(SettingNames.POLICY_GLOBALS, e.getMessage());
        }
    }
}
