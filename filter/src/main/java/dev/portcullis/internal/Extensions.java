package dev.portcullis.internal;

import dev.portcullis.config.ConfigurationException;
import dev.portcullis.config.Settings;
import java.lang.reflect.InvocationTargetException;
import java.util.Objects;

/**
 * Creates an extension named by class in a setting ({@code portcullis.resource-resolver},
 * {@code portcullis.attributes.source}): the class is loaded through the thread's context class
 * loader (the web application's, in a container), else this library's, and must be public, of the
 * expected type, with a public constructor taking {@link Settings} (preferred) or none. Every
 * failure is a {@link ConfigurationException} naming the setting; one the constructor throws
 * itself passes through unchanged.
 *
 * <pre>{@code
 * ResourceResolver r = Extensions.instantiate(RESOURCE_RESOLVER, name, ResourceResolver.class, settings);
 * }</pre>
 *
 * <p>Not part of the public API: it may change in any release.
 *
 * <p>Thread safety: stateless.
 */
public final class Extensions {
    private Extensions() {
    }

    /**
     * A new instance of the class {@code className}, which must implement {@code type}.
     *
     * @throws ConfigurationException naming {@code setting} if the class is missing, is not a
     *     {@code type}, has no usable public constructor, or its constructor fails
     */
    public static <T> T instantiate(String setting, String className, Class<T> type, Settings settings) {
        Objects.requireNonNull(setting, "setting");
        Objects.requireNonNull(className, "className");
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(settings, "settings");
        ClassLoader loader = Thread.currentThread().getContextClassLoader();
        try {
            Class<?> found = Class.forName(className, true, loader != null ? loader : Extensions.class.getClassLoader());
            if (!type.isAssignableFrom(found)) {
                throw new ConfigurationException(setting, className + " does not implement " + type.getName());
            }
            try {
                return type.cast(found.getConstructor(Settings.class).newInstance(settings));
            } catch (NoSuchMethodException e) {
                return type.cast(found.getConstructor().newInstance());
            }
        } catch (ClassNotFoundException e) {
            throw new ConfigurationException(setting, "no class " + className + " on the class path", e);
        } catch (InvocationTargetException e) {
            Throwable cause = e.getCause();
            if (cause instanceof ConfigurationException) {
                throw (ConfigurationException) cause;
            }
            throw new ConfigurationException(setting, "cannot create " + className + ": " + cause, cause);
        } catch (ReflectiveOperationException | LinkageError e) {
            throw new ConfigurationException(setting, "cannot create " + className + ": " + e, e);
        }
    }
}
