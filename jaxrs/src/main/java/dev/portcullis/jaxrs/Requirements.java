package dev.portcullis.jaxrs;

import jakarta.ws.rs.core.UriInfo;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

/**
 * What a request must satisfy, decided from what every JAX-RS runtime exposes the same way: the
 * matched resource instances ({@link UriInfo#getMatchedResources()}, the current one first) and
 * the matched URIs ({@link UriInfo#getMatchedURIs(boolean)}). The current instance's class, not
 * the class {@code ResourceInfo} names (RESTEasy names the interface when {@code @Path} is on it),
 * is looked up with {@link AnnotationLookup}; each sub-resource locator on the way adds its own
 * rule (its method, else its class), and all of them must pass.
 *
 * <p>A locator is identified among the locator methods of the parent's class whose return type
 * accepts the sub-resource's class. When several do, the segment of the matched URI that the
 * locator consumed selects the one JAX-RS would select (most literal characters, then most
 * template variables, then most variables with a regular expression); when that cannot be told
 * apart, the rules of all candidates apply. When no locator can have returned the sub-resource,
 * the request is denied. Both choices fail closed.
 *
 * <p>Only when no element of the chain carries a security annotation does the
 * {@link Unannotated} mode apply, once.
 *
 * <p>Thread safety: thread-safe; lookups are cached per class and method.
 */
final class Requirements {
    private static final Logger LOG = LoggerFactory.getLogger(Requirements.class);

    private final Unannotated mode;
    private final ConcurrentMap<List<Object>, Optional<MethodRule>> rules = new ConcurrentHashMap<>();
    private final ConcurrentMap<List<Class<?>>, List<Locator>> locators = new ConcurrentHashMap<>();

    Requirements(Unannotated mode) {
        this.mode = mode;
    }

    /**
     * The rules a request for {@code method} must all pass, outermost locator first and the
     * method's own last; never empty.
     *
     * @param declaredType the resource class {@code ResourceInfo} named
     * @param method the resource method {@code ResourceInfo} named
     */
    List<MethodRule> of(Class<?> declaredType, Method method, UriInfo uriInfo) {
        List<Object> matched = uriInfo.getMatchedResources();
        List<MethodRule> out = new ArrayList<>();
        int links = Math.max(0, matched.size() - 1);
        List<String> uris = links > 0 ? uriInfo.getMatchedURIs(false) : List.of();
        for (int k = 0; k < links; k++) {
            out.addAll(locatorRules(matched.get(links - k).getClass(), matched.get(links - k - 1).getClass(),
                    consumed(uris, k, links)));
        }
        Object current = matched.isEmpty() ? null : matched.get(0);
        // A handler of the runtime itself (automatic OPTIONS, WADL) is not the matched instance:
        // then the class ResourceInfo names.
        Class<?> type = declaredType.isInstance(current) ? current.getClass() : declaredType;
        rule(type, method).ifPresent(out::add);
        if (out.isEmpty()) {
            out.add(MethodRule.unannotated(mode, declaredType.getName() + "#" + method.getName()));
        }
        return out;
    }

    /** The annotated rule of {@code method} on an instance of {@code type}, if any; cached. */
    Optional<MethodRule> rule(Class<?> type, Method method) {
        return rules.computeIfAbsent(List.of(type, method), k -> {
            try {
                return Optional.ofNullable(AnnotationLookup.annotatedRule(type, method));
            } catch (IllegalStateException e) {
                // Only a sub-resource met at request time gets here: deployment fails for the others.
                LOG.error("{}; every request to it is denied", e.getMessage());
                return Optional.of(MethodRule.undetermined(type.getName() + "#" + method.getName(), e.getMessage()));
            }
        });
    }

    /**
     * The segment of the matched URI consumed by locator {@code k} (0 = the root's), or null when
     * the matched URIs do not line up with the matched resources. Both runtimes list the root
     * resource's match, one entry per locator, then the method's own path when it has one.
     */
    private static String consumed(List<String> uris, int k, int links) {
        if (uris.size() != links + 1 && uris.size() != links + 2) {
            return null;
        }
        String before = uris.get(uris.size() - 1 - k);
        String after = uris.get(uris.size() - 2 - k);
        if (!after.startsWith(before)) {
            return null;
        }
        return LocatorTemplate.trim(after.substring(before.length()));
    }

    private List<MethodRule> locatorRules(Class<?> parent, Class<?> child, String consumed) {
        List<Locator> candidates = locators.computeIfAbsent(List.of(parent, child), k -> locators(parent, child));
        if (candidates.isEmpty()) {
            return List.of(MethodRule.undetermined(parent.getName(),
                    "no sub-resource locator of it returns " + child.getName()));
        }
        List<Locator> chosen = candidates.size() == 1 ? candidates : choose(candidates, consumed);
        List<MethodRule> out = new ArrayList<>();
        for (Locator l : chosen) {
            rule(parent, l.method).ifPresent(out::add);
        }
        return out;
    }

    /** The candidate JAX-RS would have selected for {@code consumed}; all of them when unsure. */
    private static List<Locator> choose(List<Locator> candidates, String consumed) {
        for (Locator l : candidates) {
            if (l.template == null || l.template.isEmpty()) {
                // An empty @Path may leave no entry of its own in the matched URIs: never guess.
                return candidates;
            }
        }
        List<Locator> matching = new ArrayList<>();
        if (consumed != null) {
            for (Locator l : candidates) {
                if (l.template != null && l.template.matches(consumed)) {
                    matching.add(l);
                }
            }
        }
        if (matching.isEmpty()) {
            return candidates;
        }
        matching.sort((a, b) -> b.template.compareSpecificity(a.template));
        if (matching.size() > 1 && matching.get(0).template.compareSpecificity(matching.get(1).template) == 0) {
            return matching;
        }
        return matching.subList(0, 1);
    }

    private static List<Locator> locators(Class<?> parent, Class<?> child) {
        List<Locator> out = new ArrayList<>();
        for (Method m : parent.getMethods()) {
            if (m.isBridge() || Modifier.isStatic(m.getModifiers()) || m.getDeclaringClass() == Object.class) {
                continue;
            }
            Class<?> returned = m.getReturnType();
            if (!returned.isAssignableFrom(child) && returned != Class.class) {
                continue;
            }
            String template = AnnotationLookup.locatorTemplate(parent, m);
            if (template != null) {
                out.add(new Locator(m, LocatorTemplate.parse(template)));
            }
        }
        return List.copyOf(out);
    }

    /** A sub-resource locator method and its parsed template (null when it cannot be parsed). */
    private static final class Locator {
        final Method method;
        final LocatorTemplate template;

        Locator(Method method, LocatorTemplate template) {
            this.method = method;
            this.template = template;
        }
    }
}
