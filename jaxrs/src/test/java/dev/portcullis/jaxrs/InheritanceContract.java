package dev.portcullis.jaxrs;

import dev.portcullis.Portcullis;
import dev.portcullis.config.Settings;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

import java.net.http.HttpResponse;
import java.nio.file.Path;

import static dev.portcullis.jaxrs.JaxrsContract.assertRefused;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Security annotations found on interfaces, superclasses, generic supertypes and sub-resource
 * locators give the same decisions on every runtime ({@link InheritanceResources}). Each case
 * has its positive control: the allowed principal gets 200 in the same setup.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class InheritanceContract {
    TokenMint mint;
    private Portcullis engine;
    private Runtimes.Deployed server;

    /** Starts the runtime with {@link InheritanceResources#ALL} guarded by a feature with {@code engine}. */
    abstract Runtimes.Deployed deploy(Portcullis engine) throws Exception;

    @BeforeAll
    void start(@TempDir Path dir) throws Exception {
        mint = new TokenMint(dir);
        engine = Portcullis.fromSettings(Settings.of(new TestStore(dir).settings(mint)));
        server = deploy(engine);
    }

    @AfterAll
    void stop() {
        if (server != null) {
            server.close();
        }
        engine.close();
    }

    private HttpResponse<String> get(String path, String subject) {
        return Http.get(server.base, path, subject == null ? null : mint.token(subject));
    }

    private void assertAllowed(String path, String subject, String body) {
        HttpResponse<String> response = get(path, subject);
        assertThat(response.statusCode()).as("%s for %s: %s", path, subject, response.body()).isEqualTo(200);
        assertThat(response.body()).isEqualTo(body);
    }

    private void assertDenied(String path, String subject) {
        assertRefused(get(path, subject), 403, "access_denied");
    }

    @Test
    void interfaceMethodRolesAllowedWhenPathOnInterfaceThenEnforced() {
        assertAllowed("api-on-interface/admin", "root", "admin");
        assertDenied("api-on-interface/admin", "bob");
    }

    @Test
    void interfaceMethodDenyAllWhenPathOnInterfaceThenDeniedToEveryone() {
        assertAllowed("api-on-interface/open", null, "open");
        assertDenied("api-on-interface/deny", "root");
    }

    @Test
    void interfaceMethodRolesAllowedWhenPathOnClassThenEnforced() {
        assertAllowed("api-on-class/admin", "root", "admin");
        assertDenied("api-on-class/admin", "bob");
        assertRefused(get("api-on-class/admin", null), 401, "missing_token");
    }

    @Test
    void interfaceTypeRolesAllowedThenEnforcedOnImplementation() {
        assertAllowed("type-on-interface/x", "root", "x");
        assertDenied("type-on-interface/x", "bob");
    }

    @Test
    void superclassMethodRolesAllowedWhenOverriddenWithoutAnnotationThenStillEnforced() {
        assertAllowed("overridden/admin", "root", "override");
        assertDenied("overridden/admin", "bob");
    }

    @Test
    void genericSuperclassMethodWhenImplementedThroughBridgeThenEnforced() {
        assertAllowed("generic/item", "root", "item");
        assertDenied("generic/item", "bob");
    }

    @Test
    void genericInterfaceMethodWhenParameterTypeNarrowedThenEnforced() {
        assertAllowed("finder/k1", "root", "found k1");
        assertDenied("finder/k1", "bob");
    }

    @Test
    void precedenceWhenNoMethodAnnotationThenResourceClassBeatsSuperclassAndInterface() {
        assertAllowed("precedence/class-wins", "root", "class");
        assertDenied("precedence/class-wins", "bob");
    }

    @Test
    void precedenceWhenInterfaceMethodPermitAllThenMethodLevelBeatsClassLevel() {
        assertAllowed("precedence/interface-method-wins", null, "interface method");
        assertAllowed("precedence/interface-method-wins", "dave", "interface method");
    }

    @Test
    void precedenceWhenOwnMethodAnnotatedThenBeatsInterfaceMethodDenyAll() {
        assertAllowed("precedence/own-wins", "bob", "own");
        assertDenied("precedence/own-wins", "dave");
    }

    @Test
    void precedenceWhenSuperclassAndInterfaceTypesAnnotatedThenSuperclassWins() {
        assertAllowed("superclass-level/x", "root", "x");
        assertDenied("superclass-level/x", "bob");
        assertRefused(get("superclass-level/x", null), 401, "missing_token");
    }

    @Test
    void interfaceMethodDenyAllWhenClassPermitAllThenDenied() {
        assertAllowed("deny-on-interface/allowed", null, "allowed");
        assertDenied("deny-on-interface/denied", "root");
    }

    @Test
    void locatorMethodRolesAllowedThenAppliesToSubResourceMethods() {
        assertAllowed("locators/admin/plain", "root", "plain");
        assertDenied("locators/admin/plain", "bob");
    }

    @Test
    void locatorMethodRolesAllowedWhenSubResourceMethodPermitAllThenLocatorStillApplies() {
        assertAllowed("locators/admin/public", "root", "public");
        assertDenied("locators/admin/public", "bob");
        assertRefused(get("locators/admin/public", null), 401, "missing_token");
    }

    @Test
    void locatorClassRolesAllowedThenAppliesToSubResourceMethods() {
        assertAllowed("guarded-locators/section/plain", "root", "plain");
        assertDenied("guarded-locators/section/plain", "bob");
    }

    @Test
    void subResourceMethodRolesAllowedThenEnforcedBehindOpenLocator() {
        assertAllowed("locators/open/users", "bob", "users");
        assertDenied("locators/open/users", "dave");
    }

    @Test
    void locatorAndSubResourceRequirementsThenBothMustPass() {
        assertAllowed("locators/admin/users", "root", "users");
        assertDenied("locators/admin/users", "bob");
        assertDenied("locators/admin/users", "dave");
    }

    @Test
    void locatorsOfSameTypeWhenTemplatesOverlapThenTheOneJaxrsSelectsApplies() {
        assertAllowed("locators/item/5/plain", "bob", "plain");
        assertDenied("locators/item/5/plain", "dave");
        assertAllowed("locators/item/special/plain", "root", "plain");
        assertDenied("locators/item/special/plain", "bob");
    }

    @Test
    void locatorRequirementOnInterfaceMethodThenApplies() {
        assertAllowed("locators/via-interface/plain", "root", "plain");
        assertDenied("locators/via-interface/plain", "bob");
    }

    @Test
    void nestedLocatorsWhenInnerLocatorRequiresRoleThenApplies() {
        assertAllowed("locators/open/deeper", "root", "leaf");
        assertDenied("locators/open/deeper", "bob");
    }

    @Test
    void nestedLocatorsWhenOuterLocatorRequiresRoleThenApplies() {
        assertAllowed("locators/admin/nested", "root", "leaf");
        assertDenied("locators/admin/nested", "bob");
    }

    @Test
    void nestedLocatorsWhenNothingAnnotatedThenUnannotatedModeApplies() {
        assertAllowed("locators/open/nested", "dave", "leaf");
        assertRefused(get("locators/open/nested", null), 401, "missing_token");
        assertRefused(get("locators/open/nested", "carol"), 403, "principal_disabled");
    }

    @Test
    void subResourceWhenAnnotationsContradictThen403NeverServed() {
        assertAllowed("locators/admin/plain", "root", "plain");
        assertDenied("locators/broken", "root");
        assertDenied("locators/broken", null);
    }

    @Test
    void locatorRequiresPermissionWithLocatorPathParameterThenPolicyDecidesPerDocument() {
        assertAllowed("locators/documents/1/plain", "alice", "plain");
        assertDenied("locators/documents/2/plain", "alice");
        assertAllowed("locators/documents/2/plain", "bob", "plain");
    }
}
