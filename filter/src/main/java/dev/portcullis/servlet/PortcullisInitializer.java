package dev.portcullis.servlet;

import dev.portcullis.config.ConfigurationException;
import dev.portcullis.config.SettingNames;
import dev.portcullis.config.Settings;

import jakarta.servlet.DispatcherType;
import jakarta.servlet.FilterRegistration;
import jakarta.servlet.ServletContainerInitializer;
import jakarta.servlet.ServletContext;
import jakarta.servlet.ServletException;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.MalformedURLException;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.Enumeration;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.Set;

/**
 * Registers {@link PortcullisFilter} without {@code web.xml}: a servlet container calls this
 * {@link ServletContainerInitializer} (Servlet 6.0, section 8.2.4; declared in the filter jar's
 * {@code META-INF/services/jakarta.servlet.ServletContainerInitializer}) at deployment, and when the
 * application contains a {@value #PROPERTIES_FILE}, the filter is added with that file as its
 * {@value PortcullisFilter#CONFIG_PARAM} init-param.
 *
 * <p>Usage: put {@code portcullis-filter} in {@code WEB-INF/lib} and a file
 * {@code /WEB-INF/portcullis.properties} (or {@code portcullis.properties} at the classpath root,
 * e.g. {@code WEB-INF/classes}):
 * <pre>{@code
 * portcullis.issuer=https://idp.example.com/realms/docs
 * portcullis.audience=docs-api
 * portcullis.discovery-uri=https://idp.example.com/realms/docs/.well-known/openid-configuration
 * portcullis.url-patterns=/*
 * }</pre>
 * {@code /WEB-INF/portcullis.properties} wins when both exist (a warning names the ignored one).
 *
 * <p>Settings read here (from the file, under {@code portcullis.*} context-params, environment
 * variables and system properties, as the filter reads its own):
 * <ul>
 *   <li>{@value #URL_PATTERNS}: comma-separated URL patterns, default {@code /*};</li>
 *   <li>{@value #DISPATCHER_TYPES}: comma-separated {@link DispatcherType} names, default
 *       {@code REQUEST} (add {@code ASYNC}, {@code FORWARD}, {@code INCLUDE}, {@code ERROR} only
 *       if the application needs them guarded again on those dispatches);</li>
 *   <li>{@value #AUTO_REGISTER}: {@code false} turns the initializer off (e.g. as a context-param),
 *       default {@code true}.</li>
 * </ul>
 * The filter is named {@value #FILTER_NAME}, mapped with {@code isMatchAfter=false} (before the
 * application's own filters from {@code web.xml} and annotations) and supports async.
 *
 * <p>In every application it also adds a listener that closes, when the application stops, the
 * engines JAX-RS features built from settings and that their runtime did not close (RESTEasy tells
 * no provider that the application stops).
 *
 * <p>It registers no filter, and logs one INFO line saying why, when there is no such file, when the
 * application already declares a {@link PortcullisFilter} or a subclass (in {@code web.xml}, a
 * fragment, {@code @WebFilter} or another initializer), when it has already registered one in this
 * context, or when it is turned off. A bad setting fails deployment with a {@link ServletException}
 * naming it: an application that asked for protection never starts without it.
 *
 * <p>Containers skip initializers of jars that {@code <absolute-ordering>} leaves out; the filter
 * jar's {@code META-INF/web-fragment.xml} names it {@value #FILTER_NAME} so applications can list it.
 *
 * <p>Thread safety: stateless; containers call it once per application during deployment.
 */
public final class PortcullisInitializer implements ServletContainerInitializer {
    private static final Logger LOG = LoggerFactory.getLogger(PortcullisInitializer.class);

    /** The file whose presence turns auto-registration on. */
    public static final String PROPERTIES_FILE = "portcullis.properties";
    /** Where the file is looked for first, inside the web application. */
    public static final String WEB_INF_LOCATION = "/WEB-INF/" + PROPERTIES_FILE;
    /** Setting: URL patterns the filter is mapped to, comma-separated, default {@code /*}. */
    public static final String URL_PATTERNS = SettingNames.URL_PATTERNS;
    /** Setting: dispatcher types the filter is mapped for, comma-separated, default {@code REQUEST}. */
    public static final String DISPATCHER_TYPES = SettingNames.DISPATCHER_TYPES;
    /** Setting: {@code false} turns this initializer off, default {@code true}. */
    public static final String AUTO_REGISTER = SettingNames.AUTO_REGISTER;
    /** The name of the filter this initializer registers. */
    public static final String FILTER_NAME = "portcullis";
    /** Context attribute set once this initializer has registered the filter in a context. */
    static final String REGISTERED_ATTRIBUTE = PortcullisInitializer.class.getName() + ".registered";

    /** Public for {@link java.util.ServiceLoader}. */
    public PortcullisInitializer() {
    }

    @Override
    public void onStartup(Set<Class<?>> classes, ServletContext context) throws ServletException {
        // whatever else happens: engines that JAX-RS features build are closed with the application
        context.addListener(new ApplicationEnginesCloser());
        if (context.getAttribute(REGISTERED_ATTRIBUTE) != null) {
            LOG.info("Portcullis initializer: not registering the filter in {}: this initializer already did"
                    + " (is portcullis-filter on the class path twice?)", name(context));
            return;
        }
        String declared = declaredPortcullisFilter(context);
        if (declared != null) {
            LOG.info("Portcullis initializer: not registering the filter in {}: the application already declares"
                    + " it ({})", name(context), declared);
            return;
        }
        String location = findPropertiesFile(context);
        if (location == null) {
            LOG.info("Portcullis initializer: not registering the filter in {}: no {} and no classpath:{}"
                    + " (register PortcullisFilter in web.xml or with @WebFilter instead)",
                    name(context), WEB_INF_LOCATION, PROPERTIES_FILE);
            return;
        }
        Settings settings;
        try {
            settings = Settings.fromSystem(contextParams(context), readFile(context, location));
            if (!settings.getBoolean(AUTO_REGISTER, true)) {
                LOG.info("Portcullis initializer: not registering the filter in {}: {}=false", name(context),
                        AUTO_REGISTER);
                return;
            }
            register(context, location, urlPatterns(settings), dispatcherTypes(settings));
        } catch (ConfigurationException e) {
            throw new ServletException("Portcullis configuration error: " + e.getMessage(), e);
        }
    }

    private static void register(ServletContext context, String location, List<String> patterns,
                                 EnumSet<DispatcherType> types) throws ServletException {
        FilterRegistration.Dynamic registration = context.addFilter(FILTER_NAME, PortcullisFilter.class);
        if (registration == null) {
            throw new ServletException("Portcullis configuration error: " + location + " asks for the filter, but"
                    + " the application already has another filter named '" + FILTER_NAME + "'");
        }
        registration.setInitParameter(PortcullisFilter.CONFIG_PARAM, location);
        registration.setAsyncSupported(true);
        registration.addMappingForUrlPatterns(types, false, patterns.toArray(new String[0]));
        context.setAttribute(REGISTERED_ATTRIBUTE, location);
        LOG.info("Portcullis initializer: registered filter '{}' in {} for {} ({}) with {}={}, before the"
                + " application's filters", FILTER_NAME, name(context), patterns, types,
                PortcullisFilter.CONFIG_PARAM, location);
    }

    /**
     * The name and class of a filter already declared that is a {@link PortcullisFilter} or a
     * subclass, or null.
     */
    static String declaredPortcullisFilter(ServletContext context) {
        for (Map.Entry<String, ? extends FilterRegistration> e : context.getFilterRegistrations().entrySet()) {
            String className = e.getValue().getClassName();
            if (className != null && isPortcullisFilter(className, context.getClassLoader())) {
                return "filter '" + e.getKey() + "', " + className;
            }
        }
        return null;
    }

    private static boolean isPortcullisFilter(String className, ClassLoader loader) {
        String target = PortcullisFilter.class.getName();
        if (className.equals(target)) {
            return true;
        }
        try {
            // compared by name: the application's loader may hold its own copy of the filter jar
            Class<?> type = Class.forName(className, false, loader != null ? loader
                    : PortcullisInitializer.class.getClassLoader());
            for (Class<?> k = type; k != null; k = k.getSuperclass()) {
                if (k.getName().equals(target)) {
                    return true;
                }
            }
            return false;
        } catch (ClassNotFoundException | LinkageError e) {
            return false;
        }
    }

    /** {@code /WEB-INF/portcullis.properties}, else {@code classpath:portcullis.properties}, else null. */
    static String findPropertiesFile(ServletContext context) {
        URL webInf;
        try {
            webInf = context.getResource(WEB_INF_LOCATION);
        } catch (MalformedURLException e) {
            webInf = null;
        }
        ClassLoader loader = context.getClassLoader() != null ? context.getClassLoader()
                : PortcullisInitializer.class.getClassLoader();
        URL onClasspath = loader.getResource(PROPERTIES_FILE);
        if (webInf != null) {
            if (onClasspath != null) {
                LOG.warn("Portcullis initializer: using {}; {} on the class path ({}) is ignored", WEB_INF_LOCATION,
                        PROPERTIES_FILE, onClasspath);
            }
            return WEB_INF_LOCATION;
        }
        return onClasspath != null ? "classpath:" + PROPERTIES_FILE : null;
    }

    private static Map<String, String> readFile(ServletContext context, String location) throws ServletException {
        Properties properties = new Properties();
        try (InputStream in = location.startsWith("classpath:")
                ? (context.getClassLoader() != null ? context.getClassLoader()
                        : PortcullisInitializer.class.getClassLoader()).getResourceAsStream(PROPERTIES_FILE)
                : context.getResourceAsStream(location)) {
            if (in == null) {
                throw new ServletException("Portcullis configuration error: '" + location + "' cannot be opened");
            }
            properties.load(new InputStreamReader(in, StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new ServletException("Portcullis configuration error: cannot read '" + location + "': "
                    + e.getMessage(), e);
        }
        Map<String, String> out = new HashMap<>();
        for (String name : properties.stringPropertyNames()) {
            out.put(name, properties.getProperty(name));
        }
        return out;
    }

    private static Map<String, String> contextParams(ServletContext context) {
        Map<String, String> out = new HashMap<>();
        Enumeration<String> names = context.getInitParameterNames();
        while (names.hasMoreElements()) {
            String name = names.nextElement();
            if (name.startsWith(Settings.PREFIX)) {
                out.put(name, context.getInitParameter(name));
            }
        }
        return out;
    }

    static List<String> urlPatterns(Settings settings) {
        List<String> patterns = settings.getList(URL_PATTERNS);
        if (patterns.isEmpty()) {
            return List.of("/*");
        }
        for (String p : patterns) {
            boolean valid = p.startsWith("/") ? p.indexOf('*') < 0 || (p.endsWith("/*") && p.indexOf('*') == p.length() - 1)
                    : p.startsWith("*.") && p.length() > 2 && p.indexOf('/') < 0 && p.lastIndexOf('*') == 0;
            if (!valid) {
                throw new ConfigurationException(URL_PATTERNS, "'" + p + "' is not a servlet URL pattern (use /path,"
                        + " /prefix/* or *.extension)");
            }
        }
        return patterns;
    }

    static EnumSet<DispatcherType> dispatcherTypes(Settings settings) {
        List<String> names = settings.getList(DISPATCHER_TYPES);
        if (names.isEmpty()) {
            return EnumSet.of(DispatcherType.REQUEST);
        }
        List<DispatcherType> types = new ArrayList<>();
        for (String n : names) {
            try {
                types.add(DispatcherType.valueOf(n.trim().toUpperCase(Locale.ROOT)));
            } catch (IllegalArgumentException e) {
                throw new ConfigurationException(DISPATCHER_TYPES, "'" + n + "' is not one of REQUEST, ASYNC, FORWARD,"
                        + " INCLUDE, ERROR");
            }
        }
        return EnumSet.copyOf(types);
    }

    private static String name(ServletContext context) {
        String path = context.getContextPath();
        return "'" + (path == null || path.isEmpty() ? "/" : path) + "'";
    }
}
