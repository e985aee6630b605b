package dev.portcullis.servlet;

import dev.portcullis.PortcullisException;
import dev.portcullis.Reason;

import jakarta.servlet.DispatcherType;
import jakarta.servlet.http.HttpServletRequest;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.lang.reflect.Proxy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The exact welcome-file shape {@link DispatchedPath} accepts, on request shapes a real container
 * will not produce on demand (a dispatch two segments deeper, a welcome file for a URI without a
 * trailing {@code /}): the request is a stand-in answering only the four getters the class reads,
 * for that reason. The shapes real containers produce are tested on them: Jetty 12 in
 * {@code WelcomeFileTest}, Tomcat 11 in {@code it/ EmbeddedTomcatWelcomeFileIT}.
 */
class DispatchedPathWelcomeShapeTest {

    private static HttpServletRequest request(String uri, String contextPath, String servletPath, String pathInfo) {
        return (HttpServletRequest) Proxy.newProxyInstance(DispatchedPathWelcomeShapeTest.class.getClassLoader(),
                new Class<?>[] {HttpServletRequest.class}, (proxy, method, args) -> {
                    switch (method.getName()) {
                        case "getDispatcherType": return DispatcherType.REQUEST;
                        case "getRequestURI": return uri;
                        case "getContextPath": return contextPath;
                        case "getServletPath": return servletPath;
                        case "getPathInfo": return pathInfo;
                        default: throw new UnsupportedOperationException(method.getName());
                    }
                });
    }

    @ParameterizedTest
    @CsvSource({
            "/app/dir/, /dir/index.html, /dir/index.html",
            "/app/dir/;jsessionid=1, /dir/index.html, /dir/index.html",
            "/app//dir/, /dir/index.html, /dir/index.html",
            "/app/x/../dir/, /dir/index.html, /dir/index.html",
            "/app/, /index.html, /index.html",
            "/app, /index.html, /index.html",
            "/app/dir/, /dir/, /dir/",
    })
    void welcomeShapeWhenAcceptedThenDecidedOnDispatchedPath(String uri, String servletPath, String decided)
            throws PortcullisException {
        assertThat(DispatchedPath.of(request(uri, "/app", servletPath, null)).path()).isEqualTo(decided);
    }

    @ParameterizedTest
    @CsvSource({
            "/app/dir, /dir/index.html",          // not a directory URI
            "/app/dir/., /dir/index.html",        // the last raw segment is not empty
            "/app/dir/, /dir/sub/index.html",     // two segments deeper
            "/app/dir/, /other/index.html",       // not under the directory
            "/app/dir/, /dir/index.html/",        // a directory, not a file
            "/app/dir/x, /dir/x/index.html",      // raw names a file
            "/app/, /dir/index.html",             // context root, two deeper
    })
    void otherShapeWhenDispatchedElsewhereThen400(String uri, String servletPath) {
        assertThatThrownBy(() -> DispatchedPath.of(request(uri, "/app", servletPath, null)))
                .isInstanceOfSatisfying(PortcullisException.class,
                        e -> assertThat(e.reason()).isEqualTo(Reason.INVALID_REQUEST));
    }

    @Test
    void welcomeShapeWhenSplitIntoServletPathAndPathInfoThenSameDecision() throws PortcullisException {
        assertThat(DispatchedPath.of(request("/app/static/dir/", "/app", "/static", "/dir/index.html")).segments())
                .containsExactly("static", "dir", "index.html");
    }
}
