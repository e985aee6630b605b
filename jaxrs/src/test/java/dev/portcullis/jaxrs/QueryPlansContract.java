package dev.portcullis.jaxrs;

import dev.portcullis.Portcullis;
import dev.portcullis.config.Settings;
import dev.portcullis.policy.plan.Plan;

import jakarta.annotation.security.PermitAll;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.SecurityContext;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

import java.net.http.HttpResponse;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@link QueryPlans} in a list endpoint, over real HTTP, alike on every runtime: the plan is the
 * engine's for the request's principal (conditional for a user, unconditional for an admin or a
 * principal without roles), a disabled principal never reaches the method, and a method that
 * runs without a principal gets the engine's 401 refusal.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class QueryPlansContract {
    TokenMint mint;
    Runtimes.Deployed server;
    Portcullis engine;

    abstract Runtimes.Deployed deploy(Portcullis engine, Object listResource) throws Exception;

    /** A list endpoint answering with the plan it was given. */
    @Path("/planned")
    @Produces(MediaType.TEXT_PLAIN)
    public static class PlannedList {
        private final QueryPlans plans;

        public PlannedList(QueryPlans plans) {
            this.plans = plans;
        }

        @GET
        public String list(@Context SecurityContext security) {
            Plan plan = plans.plan(security, "document", "read");
            return plan.kind() + plan.condition().map(c -> " " + c).orElse("");
        }

        @GET
        @Path("open")
        @PermitAll
        public String open(@Context SecurityContext security) {
            return plans.plan(security, "document", "read").kind().name();
        }
    }

    @BeforeAll
    void start(@TempDir java.nio.file.Path dir) throws Exception {
        mint = new TokenMint(dir);
        TestStore store = new TestStore(dir);
        engine = Portcullis.fromSettings(Settings.of(store.settings(mint)));
        server = deploy(engine, new PlannedList(new QueryPlans(engine)));
    }

    @AfterAll
    void stop() {
        if (server != null) {
            server.close();
        }
        engine.close();
    }

    private HttpResponse<String> get(String path, String token) {
        return Http.get(server.base, path, token);
    }

    @Test
    void planWhenUserThenConditionOnOwnerWithPrincipalId() {
        HttpResponse<String> r = get("planned", mint.token("alice"));

        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        assertThat(r.body()).isEqualTo("CONDITIONAL Compare[attribute=owner, op=EQ, value=alice]");
    }

    @Test
    void planWhenAdminOrNoRoleThenUnconditional() {
        assertThat(get("planned", mint.token("root")).body()).isEqualTo("ALWAYS_ALLOWED");
        assertThat(get("planned", mint.token("dave")).body()).isEqualTo("ALWAYS_DENIED");
    }

    @Test
    void planWhenDisabledPrincipalThenRefusedBeforeTheMethod() {
        HttpResponse<String> r = get("planned", mint.token("carol"));

        JaxrsContract.assertRefused(r, 403, "principal_disabled");
    }

    @Test
    void planWhenNoPrincipalThen401FromTheEngine() {
        HttpResponse<String> r = get("planned/open", null);

        JaxrsContract.assertRefused(r, 401, "missing_token");
        assertThat(r.headers().firstValue("WWW-Authenticate")).hasValue("Bearer realm=\"portcullis\"");
        // positive twin: the same method with a token plans
        assertThat(get("planned/open", mint.token("root")).body()).isEqualTo("ALWAYS_ALLOWED");
    }
}
