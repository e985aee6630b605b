package dev.portcullis.jaxrs;

import dev.portcullis.servlet.PortcullisFilter;

import org.glassfish.jersey.server.ResourceConfig;
import org.jose4j.json.JsonUtil;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * One request, one path in the decision log: behind the servlet filter, in a web application under
 * a context path ({@code /app}, the runtime's servlet at {@code /api/*}), a decision the JAX-RS
 * adapter records carries the path the servlet filter decided the dispatch on (within the web
 * application: {@code /api/things/admin}), not the request URI with the context path; on Jersey
 * and on RESTEasy. The positive control: an admin passes.
 */
class RecordPathContractTest {
    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"jersey", "resteasy"})
    void recordWhenBehindFilterUnderContextPathThenTheFiltersPath(String runtime, @TempDir Path dir) throws Exception {
        TokenMint mint = new TokenMint(dir);
        Map<String, String> params = new HashMap<>(new TestStore(dir).settings(mint));
        params.put(PortcullisFilter.PUBLIC_PATHS_PARAM, Runtimes.PUBLIC_PATHS);
        List<String> lines = new CopyOnWriteArrayList<>();
        Consumer<String> listener = lines::add;
        boolean jersey = runtime.equals("jersey");
        try (Runtimes.Deployed server = Runtimes.behindFilterAt(jersey,
                jersey ? new ResourceConfig(TestResources.ThingResource.class).register(PortcullisFeature.class) : null,
                jersey ? null : Runtimes.application(List.of(TestResources.ThingResource.class, PortcullisFeature.class),
                        List.of()),
                params, "/app", "/api/*", Map.of(PortcullisFilter.DECISION_LISTENER_ATTRIBUTE, listener))) {
            assertThat(server.base.getPath()).isEqualTo("/app/api/");
            HttpResponse<String> admin = Http.get(server.base, "things/admin", mint.token("root"));
            assertThat(admin.statusCode()).as(admin.body()).isEqualTo(200);

            HttpResponse<String> refused = Http.get(server.base, "things/admin", mint.token("bob"));

            assertThat(refused.statusCode()).as(refused.body()).isEqualTo(403);
            List<Map<String, Object>> bobs = new ArrayList<>();
            for (int attempt = 0; attempt < 100 && bobs.isEmpty(); attempt++) {
                Thread.sleep(50); // the decision log is written asynchronously
                for (String line : lines) {
                    Map<String, Object> record = JsonUtil.parseJson(line);
                    if ("bob".equals(record.get("subject"))) {
                        bobs.add(record);
                    }
                }
            }
            assertThat(bobs).as("bob's refusal recorded").hasSize(1);
            assertThat(bobs.get(0)).containsEntry("effect", "DENY").containsEntry("method", "GET")
                    .containsEntry("path", "/api/things/admin");
        }
    }
}
