package dev.portcullis.it;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.openqa.selenium.By;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.Select;
import org.openqa.selenium.support.ui.WebDriverWait;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The demo console ({@code /console/}) in a real browser: headless Chromium driven through the
 * system chromedriver (Debian packages {@code chromium} and {@code chromium-driver}, which
 * {@code .ci/run} installs), against the demo WAR on embedded Tomcat 11 under a context path.
 * It picks users, clicks document actions, runs the Bob scenario by clicks (Alice disables Bob,
 * Bob's very next request with the same token is refused, Alice enables him again), and checks
 * what the page shows for each answer (status, effect, reason, rule, decision id, attribute age)
 * and in its live panel of the engine's decision log. It also reads {@code /metrics} and the
 * health endpoint, and saves a screenshot to {@code target/console.png} (the README shows the
 * committed copy, {@code docs/console.png}).
 *
 * <p>Without the browser the test fails under {@code .ci/run} (which sets {@code PORTCULLIS_CI}
 * after installing it) and is skipped, with a message saying what to install, elsewhere.
 * Selenium Manager is never used (the driver's path is given; {@code SE_OFFLINE=true}): nothing
 * is downloaded, and Chromium only talks to loopback.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class DemoConsoleBrowserIT {
    private static final Path CHROMIUM = Path.of(System.getProperty("it.chromium", "/usr/bin/chromium"));
    private static final Path CHROMEDRIVER = Path.of(System.getProperty("it.chromedriver", "/usr/bin/chromedriver"));
    private static final Duration WAIT = Duration.ofSeconds(20);

    private WebServer server;
    private WebDriver browser;
    private String base;

    @BeforeAll
    void start() {
        boolean present = Files.isExecutable(CHROMIUM) && Files.isExecutable(CHROMEDRIVER);
        if (!present && System.getenv("PORTCULLIS_CI") != null) {
            throw new IllegalStateException("the console test needs " + CHROMIUM + " and " + CHROMEDRIVER
                    + " (Debian packages chromium and chromium-driver), which .ci/run installs");
        }
        assumeTrue(present, "SKIPPED: DemoConsoleBrowserIT needs " + CHROMIUM + " and " + CHROMEDRIVER
                + " (apt-get install chromium chromium-driver); .ci/run installs them and then fails without them");
        int port = FreePorts.next();
        DemoDatabase database = DemoDatabase.fresh("console");
        DemoWarSettings settings = DemoWarSettings.forPort(port).attributesJdbcUrl(database.url());
        // the WAR under a context path, as deployments have it; the dev issuer's key URL follows
        settings.set("portcullis.jwks-uri", "http://127.0.0.1:" + port + "/shop/dev/jwks.json");
        server = EmbeddedTomcat.startAt("tomcat-console", ItPaths.demoWar(), "/shop", "/shop/health", port,
                settings.asMap());
        base = "http://127.0.0.1:" + port + "/shop";
        ChromeOptions options = new ChromeOptions();
        options.setBinary(CHROMIUM.toFile());
        options.addArguments("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu",
                "--window-size=1400,1500", "--no-first-run", "--disable-extensions",
                "--disable-background-networking", "--disable-component-update", "--disable-sync");
        ChromeDriverService service = new ChromeDriverService.Builder()
                .usingDriverExecutable(CHROMEDRIVER.toFile())
                .usingAnyFreePort()
                .build();
        browser = new ChromeDriver(service, options);
    }

    @AfterAll
    void stop() throws Exception {
        if (browser != null) {
            browser.quit();
        }
        if (server != null) {
            server.close();
        }
    }

    @Test
    void theConsoleShowsEachDecisionAndTheBobScenarioByClicks() throws Exception {
        Http.Response page = new Http(server.baseUri()).send("GET", "/shop/console/", null);
        assertThat(page.status()).as("the console page, public").isEqualTo(200);
        assertThat(page.body()).contains("<title>Portcullis demo console</title>");
        browser.get(base + "/console/");
        new WebDriverWait(browser, WAIT).until(d -> "Portcullis demo console".equals(d.getTitle()));

        // anyone with a role reads: allowed, by the read rule, from fresh attributes
        pick("carol");
        act("1", "read");
        WebElement read = answer(1);
        assertThat(text(read, "status")).isEqualTo("200");
        assertThat(text(read, "effect")).isEqualTo("ALLOW");
        assertThat(text(read, "rule")).endsWith("/ read");
        assertThat(text(read, "decision-id")).isNotEqualTo("—");
        assertThat(text(read, "attribute-age")).matches("\\d+ ms");

        // carol may not update alice's document: denied, with the decision id of the refusal
        act("1", "update");
        WebElement denied = answer(2);
        assertThat(text(denied, "status")).isEqualTo("403");
        assertThat(text(denied, "effect")).isEqualTo("DENY");
        assertThat(text(denied, "reason")).isEqualTo("access_denied");
        assertThat(text(denied, "decision-id")).isNotEqualTo("—");

        // ... but her own (the owner condition)
        act("2", "update");
        assertThat(text(answer(3), "rule")).endsWith("/ update-owner");

        // the Bob scenario: bob, an admin, may delete ...
        pick("bob");
        act("3", "delete");
        assertThat(text(answer(4), "status")).isEqualTo("200");
        assertThat(text(answer(4), "rule")).endsWith("/ delete-admin");

        // ... a non-admin may not disable him ...
        pick("dave");
        admin("bob", "disable");
        assertThat(text(answer(5), "status")).isEqualTo("403");

        // ... alice disables him ...
        pick("alice");
        admin("bob", "disable");
        assertThat(text(answer(6), "status")).isEqualTo("200");
        assertThat(text(answer(6), "rule")).endsWith("/ disable-admin");

        // ... and his very next request, with the same token, is refused
        pick("bob");
        act("4", "delete");
        WebElement refused = answer(7);
        assertThat(text(refused, "status")).isEqualTo("403");
        assertThat(text(refused, "effect")).isEqualTo("DENY");
        assertThat(text(refused, "reason")).isEqualTo("principal_disabled");

        // alice enables him again: his next request is allowed again
        pick("alice");
        admin("bob", "enable");
        assertThat(text(answer(8), "status")).isEqualTo("200");
        pick("bob");
        act("4", "read");
        assertThat(text(answer(9), "status")).isEqualTo("200");
        assertThat(text(answer(9), "effect")).isEqualTo("ALLOW");

        // the live panel shows the engine's decision log, newest first, with the refusal of bob
        // (it is redrawn every second: read it in one script, not element by element)
        new WebDriverWait(browser, WAIT).until(d -> livePanel().stream().anyMatch(row ->
                row.startsWith("bob|DELETE ") && row.contains("/api/documents/4|") && row.endsWith("|principal_disabled")));
        new WebDriverWait(browser, WAIT).until(d -> livePanel().stream().findFirst()
                .filter(newest -> newest.matches("bob\\|GET \\S*/api/documents/4\\|read\\|—")).isPresent());

        Path shot = ((TakesScreenshot) browser).getScreenshotAs(OutputType.FILE).toPath();
        Path target = ItPaths.target().resolve("console.png");
        Files.copy(shot, target, StandardCopyOption.REPLACE_EXISTING);
        assertThat(Files.size(target)).isGreaterThan(10_000);
        assertThat(Path.of("../docs/console.png")).as("the copy the README shows").isRegularFile();
    }

    @Test
    void theDemoExposesPrometheusMetricsAndTheEngineHealth() throws Exception {
        Http http = new Http(server.baseUri());
        String alice = token(http, "alice");
        String carol = token(http, "carol");
        assertThat(http.send("GET", "/shop/api/documents/1", carol).status()).isEqualTo(200);
        assertThat(http.send("PUT", "/shop/api/documents/1", carol).status()).isEqualTo(403);

        Http.Response metrics = http.send("GET", "/shop/metrics", null);
        assertThat(metrics.status()).isEqualTo(200);
        assertThat(metrics.contentType()).startsWith("text/plain");
        assertThat(metrics.body())
                .contains("portcullis_decisions_seconds_count{action=\"update\",effect=\"deny\",kind=\"document\","
                        + "reason=\"access_denied\"}")
                .contains("portcullis_requests_seconds_count{outcome=\"admitted\"")
                .contains("portcullis_token_verifications_total{alg=\"RS256\"")
                .contains("portcullis_jwks_fetches_total{issuer=\"urn:portcullis:demo:dev-issuer\"}")
                .contains("portcullis_attributes_cache_total{result=\"miss\"}")
                .doesNotContain("subject=").doesNotContain("carol").doesNotContain("/api/documents/1");

        // the status for anyone, the details for an admin (policies/portcullis.yaml)
        Http.Response anonymous = http.send("GET", "/shop/portcullis/health", null);
        assertThat(anonymous.status()).isEqualTo(200);
        assertThat(anonymous.json()).isEqualTo(Map.of("status", "UP"));
        assertThat(http.send("GET", "/shop/portcullis/health", carol).json()).isEqualTo(Map.of("status", "UP"));
        Http.Response details = http.send("GET", "/shop/portcullis/health", alice);
        assertThat(details.status()).isEqualTo(200);
        assertThat(details.json()).containsEntry("status", "UP").containsEntry("attribute_store", "UP")
                .containsEntry("keys", Map.of("urn:portcullis:demo:dev-issuer", "FRESH"));
    }

    private static String token(Http http, String user) {
        return String.valueOf(http.send("POST", "/shop/dev/token?sub=" + user + "&ttl=600", null).json()
                .get("access_token"));
    }

    private void pick(String user) {
        browser.findElement(By.cssSelector("button.user[data-user='" + user + "']")).click();
        new WebDriverWait(browser, WAIT).until(d -> d.findElement(By.id("current-user")).getText().equals(user));
    }

    private void act(String document, String action) {
        new Select(browser.findElement(By.id("document"))).selectByValue(document);
        browser.findElement(By.cssSelector("button.action[data-action='" + action + "']")).click();
    }

    private void admin(String target, String what) {
        new Select(browser.findElement(By.id("target"))).selectByValue(target);
        browser.findElement(By.cssSelector("button.admin[data-admin='" + what + "']")).click();
    }

    /** The n-th answer's row, once the page has shown it (with its decision record, when it has one). */
    private WebElement answer(int n) {
        return new WebDriverWait(browser, WAIT).until(d -> {
            var rows = d.findElements(By.cssSelector("#answers tr.answer[data-n='" + n + "']"));
            return rows.isEmpty() ? null : rows.get(0);
        });
    }

    /** The live panel's rows as {@code subject|request|action|reason}, newest first. */
    @SuppressWarnings("unchecked")
    private java.util.List<String> livePanel() {
        return (java.util.List<String>) ((org.openqa.selenium.JavascriptExecutor) browser).executeScript(
                "return Array.from(document.querySelectorAll('#decisions tr.decision')).map(function (r) {"
                        + " return ['subject', 'request', 'action', 'reason'].map(function (c) {"
                        + " return r.querySelector('td.' + c).textContent.trim(); }).join('|'); });");
    }

    private static String text(WebElement row, String cell) {
        return row.findElement(By.cssSelector("td." + cell)).getText().trim();
    }

}
