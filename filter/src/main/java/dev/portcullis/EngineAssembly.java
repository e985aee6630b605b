package dev.portcullis;

import dev.portcullis.attributes.internal.AttributeCache;
import dev.portcullis.config.ConfigurationException;
import dev.portcullis.config.SettingNames;
import dev.portcullis.config.Settings;
import dev.portcullis.internal.Extensions;
import dev.portcullis.internal.audit.DecisionLog;
import dev.portcullis.internal.hygiene.ClaimHygiene;
import dev.portcullis.policy.ResourceResolver;
import dev.portcullis.policy.internal.CerbosPolicyEvaluator;
import dev.portcullis.signals.internal.SignalReceiver;
import dev.portcullis.token.internal.BearerTokenExtractor;
import dev.portcullis.token.internal.TokenCache;
import dev.portcullis.token.internal.TokenSettings;
import dev.portcullis.token.internal.TokenValidator;
import dev.portcullis.token.internal.dpop.SenderSettings;

import java.time.Clock;
import java.util.Objects;
import java.util.function.Consumer;

/**
 * Builds an engine from settings ({@link Portcullis#fromSettings(Settings, Clock, Consumer)}): each
 * part from its own settings, in order, and on a bad setting the parts already started closed
 * before the {@link ConfigurationException} (naming the setting) goes on.
 *
 * <p>Thread safety: stateless.
 */
final class EngineAssembly {
    private EngineAssembly() {
    }

    static Portcullis fromSettings(Settings settings, Clock clock, Consumer<Portcullis.Builder> extras) {
        Objects.requireNonNull(settings, "settings");
        Portcullis.Builder b = Portcullis.builder().clock(clock);
        extras.accept(b);
        BearerTokenExtractor extractor = TokenSettings.extractor(settings);
        b.extractor(extractor);
        TokenCache tokenCache = TokenCache.fromSettings(settings, clock, extractor.maxTokenBytes()).orElse(null);
        b.validator(TokenSettings.validator(settings, clock, tokenCache == null ? (issuer, kids) -> { }
                : tokenCache::keysRemoved));
        if (tokenCache != null) {
            b.tokens(tokenCache);
        }
        b.hygiene(ClaimHygiene.fromSettings(settings));
        int capacity = settings.getInt(SettingNames.DECISION_LOG_CAPACITY, DecisionLog.DEFAULT_CAPACITY);
        if (capacity < 1) {
            throw new ConfigurationException(SettingNames.DECISION_LOG_CAPACITY, "must be positive, was " + capacity);
        }
        DecisionLog.Builder decisionLog = b.decisionLog(DecisionLog.builder(settings).capacity(capacity));
        try {
            if (settings.get(SettingNames.POLICY_DIR).isPresent()) {
                b.policy(CerbosPolicyEvaluator.fromSettings(settings));
            }
            settings.get(SettingNames.RESOURCE_RESOLVER).ifPresent(name -> b.resources(resolver(name, settings)));
            settings.get(SettingNames.POLICY_PRINCIPAL_SCOPE_ATTRIBUTE).ifPresent(b::principalScopeAttribute);
            // jdbc, file, none, or the class name of the application's own AttributeSource
            AttributeCache.fromSettings(settings, clock).ifPresent(b::attributes);
            b.signals = SignalReceiver.fromSettings(settings, clock, TokenSettings.issuers(settings));
            b.senders(SenderSettings.of(settings, settings.getDuration(SettingNames.CLOCK_SKEW,
                    TokenValidator.DEFAULT_CLOCK_SKEW), clock));
            b.decisions(decisionLog.start());
            return b.build();
        } catch (RuntimeException | Error e) {
            // a later bad setting must not leave the parts already started running (policy
            // watcher, connection pool): the application fails, and may be deployed again
            Portcullis.closeAll(b.validator, b.policy, b.resources, b.attributes, b.signals, b.decisions, b.senders);
            throw e;
        }
    }

    private static ResourceResolver resolver(String className, Settings settings) {
        return Extensions.instantiate(SettingNames.RESOURCE_RESOLVER, className, ResourceResolver.class, settings);
    }
}
