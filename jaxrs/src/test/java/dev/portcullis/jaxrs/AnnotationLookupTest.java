package dev.portcullis.jaxrs;

import jakarta.annotation.security.RolesAllowed;

import org.junit.jupiter.api.Test;

import java.lang.reflect.Method;
import java.util.Arrays;

import static org.assertj.core.api.Assertions.assertThat;

/** The hierarchy walk itself, including the Method objects no test runtime happened to hand over. */
class AnnotationLookupTest {
    interface Store<T> {
        @RolesAllowed("admin")
        void put(String id, T value);
    }

    public static class StringStore implements Store<String> {
        @Override
        public void put(String id, String value) {
        }
    }

    /** The exact erasure next to an overload that would also fit. */
    public static class ExactAndOverload implements Store<Object> {
        @Override
        public void put(String id, Object value) {
        }

        public void put(String id, Integer value) {
        }
    }

    /** Two overloads an erased interface method could stand for. */
    public static class Overloaded implements Store<CharSequence> {
        @Override
        public void put(String id, CharSequence value) {
        }

        public void put(String id, String value) {
        }
    }

    private static Method bridge(Class<?> type, String name) {
        return Arrays.stream(type.getDeclaredMethods()).filter(m -> m.isBridge() && m.getName().equals(name))
                .findFirst().orElseThrow();
    }

    @Test
    void implementationWhenGivenBridgeThenResolvesBridgedMethod() throws Exception {
        Method resolved = AnnotationLookup.implementation(StringStore.class, bridge(StringStore.class, "put"));

        assertThat(resolved).isEqualTo(StringStore.class.getMethod("put", String.class, String.class));
    }

    @Test
    void implementationWhenGivenErasedInterfaceMethodThenResolvesImplementation() throws Exception {
        Method resolved = AnnotationLookup.implementation(StringStore.class,
                Store.class.getMethod("put", String.class, Object.class));

        assertThat(resolved).isEqualTo(StringStore.class.getMethod("put", String.class, String.class));
    }

    @Test
    void ruleWhenGivenBridgeThenInterfaceAnnotationFound() {
        MethodRule rule = AnnotationLookup.annotatedRule(StringStore.class, bridge(StringStore.class, "put"));

        assertThat(rule.kind()).isEqualTo(MethodRule.Kind.CHECK);
        assertThat(rule.roles()).containsExactly("admin");
    }

    @Test
    void implementationWhenSeveralOverloadsFitThenNone() throws Exception {
        // put(String, Object) is not declared: put(String, CharSequence) and put(String, String) both fit.
        assertThat(AnnotationLookup.implementation(Overloaded.class,
                Store.class.getMethod("put", String.class, Object.class))).isNull();
    }

    @Test
    void implementationWhenExactErasureDeclaredThenItWinsOverOverloads() throws Exception {
        assertThat(AnnotationLookup.implementation(ExactAndOverload.class,
                Store.class.getMethod("put", String.class, Object.class)))
                .isEqualTo(ExactAndOverload.class.getMethod("put", String.class, Object.class));
    }

    @Test
    void ruleWhenMethodCannotBeResolvedThenDeniedNotOpen() throws Exception {
        MethodRule rule = AnnotationLookup.annotatedRule(Overloaded.class,
                Store.class.getMethod("put", String.class, Object.class));

        assertThat(rule.kind()).isEqualTo(MethodRule.Kind.DENY);
        assertThat(rule.where()).isEqualTo(Overloaded.class.getName() + "#put (requirements cannot be determined:"
                + " no unique method put in " + Overloaded.class.getName() + ")");
    }
}
