package dev.portcullis.jaxrs;

import jakarta.annotation.security.DenyAll;
import jakarta.annotation.security.PermitAll;
import jakarta.annotation.security.RolesAllowed;

import org.junit.jupiter.api.Test;

import java.lang.reflect.Method;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class MethodRuleTest {
    @RequiresPermission("document:list")
    static class Annotated {
        public void inherits() {
        }

        @RequiresPermission(resource = "document", action = "read", id = "{docId}")
        public void overrides() {
        }

        @RolesAllowed("editor")
        public void rolesOnly() {
        }

        @PermitAll
        public void open() {
        }

        @DenyAll
        @PermitAll
        public void denyWins() {
        }

        @RolesAllowed({"editor", "admin"})
        @RequiresPermission("document:write")
        public void both() {
        }
    }

    static class Bare {
        public void plain() {
        }

        @PermitAll
        @RolesAllowed("admin")
        public void contradiction() {
        }

        @RequiresPermission("document")
        public void noAction() {
        }

        @RequiresPermission(resource = "document", action = "read", scope = "acme.{query:tenant}")
        public void queryScope() {
        }

        @RequiresPermission(resource = "document", action = "read", scope = "acme.{tenant}")
        public void pathScope() {
        }

        @RequiresPermission(value = "document:read", action = "read")
        public void twoForms() {
        }

        @RequiresPermission(value = "document:read", id = "{docId")
        public void badTemplate() {
        }
    }

    @PermitAll
    static class OpenClass {
        @RolesAllowed("admin")
        public void restricted() {
        }
    }

    private static MethodRule rule(Class<?> type, String method, Unannotated mode) throws NoSuchMethodException {
        Method m = type.getMethod(method);
        return MethodRule.of(type, m, mode);
    }

    private static MethodRule rule(Class<?> type, String method) throws NoSuchMethodException {
        return rule(type, method, Unannotated.AUTHENTICATED);
    }

    @Test
    void ofWhenMethodUnannotatedThenClassPermissionApplies() throws Exception {
        MethodRule r = rule(Annotated.class, "inherits");

        assertThat(r.kind()).isEqualTo(MethodRule.Kind.CHECK);
        assertThat(r.permission().resource()).isEqualTo("document");
        assertThat(r.permission().action()).isEqualTo("list");
        assertThat(r.permission().id().isEmpty()).isTrue();
        assertThat(r.roles()).isNull();
        assertThat(r.annotated()).isTrue();
    }

    @Test
    void ofWhenMethodAnnotatedThenMethodOverridesClass() throws Exception {
        MethodRule r = rule(Annotated.class, "overrides");

        assertThat(r.permission().action()).isEqualTo("read");
        assertThat(r.permission().id()).hasToString("{docId}");
    }

    @Test
    void ofWhenMethodHasRolesAllowedThenClassPermissionIgnored() throws Exception {
        MethodRule r = rule(Annotated.class, "rolesOnly");

        assertThat(r.kind()).isEqualTo(MethodRule.Kind.CHECK);
        assertThat(r.roles()).containsExactly("editor");
        assertThat(r.permission()).isNull();
    }

    @Test
    void ofWhenMethodPermitAllThenPermitDespiteClassPermission() throws Exception {
        assertThat(rule(Annotated.class, "open").kind()).isEqualTo(MethodRule.Kind.PERMIT);
    }

    @Test
    void ofWhenDenyAllWithPermitAllThenDenyWins() throws Exception {
        assertThat(rule(Annotated.class, "denyWins").kind()).isEqualTo(MethodRule.Kind.DENY);
    }

    @Test
    void ofWhenRolesAndPermissionOnOneElementThenBothRequired() throws Exception {
        MethodRule r = rule(Annotated.class, "both");

        assertThat(r.roles()).containsExactly("editor", "admin");
        assertThat(r.permission().action()).isEqualTo("write");
    }

    @Test
    void ofWhenNoAnnotationAnywhereThenModeDecides() throws Exception {
        assertThat(rule(Bare.class, "plain", Unannotated.DENY).kind()).isEqualTo(MethodRule.Kind.DENY);
        assertThat(rule(Bare.class, "plain", Unannotated.PERMIT).kind()).isEqualTo(MethodRule.Kind.PERMIT);
        MethodRule authenticated = rule(Bare.class, "plain", Unannotated.AUTHENTICATED);
        assertThat(authenticated.kind()).isEqualTo(MethodRule.Kind.AUTHENTICATED);
        assertThat(authenticated.annotated()).isFalse();
        assertThat(authenticated.where()).isEqualTo(Bare.class.getName() + "#plain");
    }

    @Test
    void ofWhenPermitAllAndRolesAllowedOnSameMethodThenFailsNamingIt() {
        assertThatThrownBy(() -> rule(Bare.class, "contradiction"))
                .isInstanceOf(IllegalStateException.class)
                .hasMessage("Portcullis: " + Bare.class.getName() + "#contradiction carries @PermitAll together"
                        + " with @RolesAllowed; remove one of them");
    }

    @Test
    void ofWhenPermitAllOnClassAndRolesAllowedOnMethodThenMethodWins() throws Exception {
        MethodRule r = rule(OpenClass.class, "restricted");

        assertThat(r.kind()).isEqualTo(MethodRule.Kind.CHECK);
        assertThat(r.roles()).containsExactly("admin");
    }

    @Test
    void ofWhenShorthandLacksActionThenFailsNamingMethod() {
        assertThatThrownBy(() -> rule(Bare.class, "noAction"))
                .isInstanceOf(IllegalStateException.class)
                .hasMessage("Portcullis: @RequiresPermission on " + Bare.class.getName() + "#noAction has value"
                        + " \"document\"; expected \"kind:action\", e.g. \"document:read\"");
    }

    @Test
    void ofWhenScopeNamesAQueryParameterThenFailsAndPathScopeLoads() throws Exception {
        assertThatThrownBy(() -> rule(Bare.class, "queryScope"))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("names a query parameter; a scope comes from path parameters only");
        assertThat(rule(Bare.class, "pathScope").permission().scope()).hasToString("acme.{tenant}");
    }

    @Test
    void ofWhenBothFormsGivenThenFails() {
        assertThatThrownBy(() -> rule(Bare.class, "twoForms"))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("gives both value \"document:read\" and resource/action; use one form");
    }

    @Test
    void ofWhenIdTemplateUnbalancedThenFails() {
        assertThatThrownBy(() -> rule(Bare.class, "badTemplate"))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageEndingWith("#badTemplate: id template '{docId' has an unbalanced '{'");
    }
}
