package dev.portcullis.jaxrs;

import jakarta.ws.rs.HttpMethod;
import jakarta.ws.rs.Path;

import java.lang.annotation.Annotation;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.lang.reflect.Type;
import java.lang.reflect.TypeVariable;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Deque;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * The one place that finds the security annotations of a resource method, for every JAX-RS
 * runtime. Runtimes hand {@code ResourceInfo} different {@link Method} objects for the same
 * endpoint (Jersey the implementation's, RESTEasy the interface's when the JAX-RS annotations
 * are on an interface, either may hand a bridge method), so the lookup first resolves the method
 * of the implementation class by signature and then walks the hierarchy in one fixed order:
 * <ol>
 *   <li>method level, nearest first: the implementation's method, then the superclass methods it
 *       overrides (nearest superclass first), then the interface methods it implements (the
 *       interfaces of the class, then of its superclasses, each followed by its superinterfaces,
 *       breadth first);</li>
 *   <li>class level, nearest first: the implementation class, its superclasses, then its
 *       interfaces in the same order.</li>
 * </ol>
 * The first element carrying any of {@code @DenyAll}, {@code @PermitAll}, {@code @RolesAllowed},
 * {@code @RequiresPermission} decides, as a set (see {@link MethodRule}); the elements after it
 * are ignored. A method the lookup cannot resolve (no or several candidates) is denied: a
 * requirement that cannot be determined never opens an endpoint.
 *
 * <p>Sub-resource locators are recognised the way JAX-RS inherits its own annotations (spec
 * §3.6): the first method of the chain carrying {@code @Path} or an HTTP method designator
 * decides whether it is a locator ({@code @Path} without a designator).
 *
 * <p>Thread safety: stateless.
 */
final class AnnotationLookup {
    private AnnotationLookup() {
    }

    /**
     * The rule of {@code method} when served by an instance of {@code type}, or null when no
     * security annotation is found anywhere (the caller applies the {@link Unannotated} mode).
     *
     * @throws IllegalStateException when the deciding element's annotations contradict each other
     */
    static MethodRule annotatedRule(Class<?> type, Method method) {
        String where = type.getName() + "#" + method.getName();
        Method impl = implementation(type, method);
        if (impl == null) {
            return MethodRule.undetermined(where, "no unique method " + method.getName() + " in " + type.getName());
        }
        for (Method m : methodChain(type, impl)) {
            MethodRule rule = MethodRule.fromElement(m, m.getDeclaringClass().getName() + "#" + m.getName(), where);
            if (rule != null) {
                return rule;
            }
        }
        for (Class<?> c : classChain(type)) {
            MethodRule rule = MethodRule.fromElement(c, c.getName(), where);
            if (rule != null) {
                return rule;
            }
        }
        return null;
    }

    /**
     * The public, non-bridge method of {@code type} that {@code method} stands for: the same
     * method, the implementation of an interface or superclass method, or the target of a bridge;
     * null when there is none or more than one.
     */
    static Method implementation(Class<?> type, Method method) {
        if (method.getDeclaringClass() == type && !method.isBridge()) {
            return method;
        }
        Method exact = null;
        List<Method> found = new ArrayList<>();
        for (Method m : type.getMethods()) {
            if (m.isBridge() || Modifier.isStatic(m.getModifiers()) || !m.getName().equals(method.getName())) {
                continue;
            }
            if (sameErasure(m, method)) {
                exact = m;
            } else if (overrides(m, method, method.isBridge())) {
                found.add(m);
            }
        }
        if (exact != null) {
            return exact;
        }
        return found.size() == 1 ? found.get(0) : null;
    }

    /** {@code impl} and the methods it overrides or implements, nearest first. */
    static List<Method> methodChain(Class<?> type, Method impl) {
        List<Method> chain = new ArrayList<>();
        chain.add(impl);
        Class<?> start = impl.getDeclaringClass().isInterface() ? null : impl.getDeclaringClass().getSuperclass();
        for (Class<?> c = start; c != null && c != Object.class; c = c.getSuperclass()) {
            addOverridden(chain, c, impl);
        }
        for (Class<?> i : interfaces(type)) {
            addOverridden(chain, i, impl);
        }
        return chain;
    }

    /** The class, its superclasses (without {@code Object}), then its interfaces, nearest first. */
    static List<Class<?>> classChain(Class<?> type) {
        List<Class<?>> chain = new ArrayList<>();
        for (Class<?> c = type; c != null && c != Object.class; c = c.getSuperclass()) {
            chain.add(c);
        }
        for (Class<?> i : interfaces(type)) {
            if (!chain.contains(i)) {
                chain.add(i);
            }
        }
        return chain;
    }

    /**
     * The {@code @Path} template of {@code method} if it is a sub-resource locator (inherited as
     * JAX-RS inherits its annotations), else null.
     */
    static String locatorTemplate(Class<?> type, Method method) {
        for (Method m : methodChain(type, method)) {
            boolean designated = false;
            for (Annotation a : m.getAnnotations()) {
                if (a.annotationType().isAnnotationPresent(HttpMethod.class)) {
                    designated = true;
                }
            }
            Path path = m.getAnnotation(Path.class);
            if (designated) {
                return null;
            }
            if (path != null) {
                return path.value();
            }
        }
        return null;
    }

    private static void addOverridden(List<Method> chain, Class<?> c, Method impl) {
        Method exact = null;
        Method generic = null;
        for (Method m : c.getDeclaredMethods()) {
            if (m.isBridge() || Modifier.isStatic(m.getModifiers()) || Modifier.isPrivate(m.getModifiers())
                    || !m.getName().equals(impl.getName())) {
                continue;
            }
            if (sameErasure(impl, m)) {
                exact = m;
            } else if (overrides(impl, m, false)) {
                generic = m;
            }
        }
        Method found = exact != null ? exact : generic;
        if (found != null && !chain.contains(found)) {
            chain.add(found);
        }
    }

    /** Interfaces of the class, then of its superclasses; each followed by its superinterfaces, breadth first. */
    private static Set<Class<?>> interfaces(Class<?> type) {
        Set<Class<?>> out = new LinkedHashSet<>();
        Deque<Class<?>> queue = new ArrayDeque<>();
        if (type.isInterface()) {
            queue.add(type);
        }
        for (Class<?> c = type; c != null; c = c.getSuperclass()) {
            queue.addAll(List.of(c.getInterfaces()));
        }
        while (!queue.isEmpty()) {
            Class<?> i = queue.poll();
            if (out.add(i)) {
                queue.addAll(List.of(i.getInterfaces()));
            }
        }
        return out;
    }

    private static boolean sameErasure(Method a, Method b) {
        return a.getName().equals(b.getName()) && Arrays.equals(a.getParameterTypes(), b.getParameterTypes());
    }

    /**
     * Whether {@code sub} overrides {@code sup} through generics: same name and arity, and every
     * parameter either of the same type or, where {@code sup} declares a type variable (or is a
     * bridge, whose parameters are erasures), of a type its erasure accepts.
     */
    private static boolean overrides(Method sub, Method sup, boolean supIsBridge) {
        if (!sub.getName().equals(sup.getName()) || sub.getParameterCount() != sup.getParameterCount()
                || !sup.getDeclaringClass().isAssignableFrom(sub.getDeclaringClass())) {
            return false;
        }
        Class<?>[] subTypes = sub.getParameterTypes();
        Class<?>[] supTypes = sup.getParameterTypes();
        Type[] supGeneric = sup.getGenericParameterTypes();
        for (int i = 0; i < subTypes.length; i++) {
            if (subTypes[i] == supTypes[i]) {
                continue;
            }
            boolean variable = supIsBridge || supGeneric[i] instanceof TypeVariable;
            if (!variable || !supTypes[i].isAssignableFrom(subTypes[i])) {
                return false;
            }
        }
        return true;
    }
}
