package dev.portcullis;

import dev.portcullis.signals.internal.SignalReceiver;

import java.io.IOException;
import java.io.InputStream;
import java.util.Arrays;

/**
 * The container-neutral half of the endpoints through which identity providers revoke: the
 * Shared Signals push endpoint and the OpenID Connect Back-Channel Logout endpoint
 * ({@link Requirement#signalPush()}, {@link Requirement#backchannelLogout()}). Reads the body
 * (at most {@code portcullis.signals.max-body-bytes}, never more: a larger one is answered 413
 * without reading the rest), hands it to the engine's {@link SignalReceiver} and turns its reply
 * into a handled {@link Outcome}. An endpoint that is not configured answers 404.
 *
 * <p>Thread safety: stateless over the engine.
 */
final class SignalEndpoints {
    private final Portcullis engine;
    private final SignalReceiver receiver;

    SignalEndpoints(Portcullis engine, SignalReceiver receiver) {
        this.engine = engine;
        this.receiver = receiver;
    }

    Outcome handle(AccessRequest r) {
        boolean push = r.requirement().kind() == Requirement.Kind.SIGNAL_PUSH;
        if (receiver == null || (push ? receiver.pushPath() : receiver.logoutPath()) == null) {
            return Outcome.handled(engine, 404, null, 0);
        }
        byte[] body = null;
        if (push && "POST".equals(r.method()) && !receiver.pushAuthenticated(r.authorization())) {
            // an unauthenticated push is answered before a byte of its body is read
            return Outcome.handled(engine, 401, receiver.push(r.method(), r.contentType(), r.authorization(),
                    null).body(), 0);
        }
        if ("POST".equals(r.method())) {
            try {
                body = read(r.body(), receiver.maxBodyBytes());
            } catch (IOException e) {
                return Outcome.handled(engine, 400, null, 0);
            }
        }
        SignalReceiver.Reply reply = push
                ? receiver.push(r.method(), r.contentType(), r.authorization(), body)
                : receiver.logout(r.method(), r.contentType(), body);
        if (reply.status() == 405) {
            return Outcome.methodNotAllowed(engine, "POST");
        }
        return Outcome.handled(engine, reply.status(), reply.body(), reply.retryAfter());
    }

    /** At most {@code max} bytes of the body; null when it has more. */
    private static byte[] read(AccessRequest.Body body, int max) throws IOException {
        if (body == null) {
            return new byte[0];
        }
        try (InputStream in = body.open()) {
            byte[] buf = in.readNBytes(max + 1);
            return buf.length > max ? null : Arrays.copyOf(buf, buf.length);
        }
    }
}
