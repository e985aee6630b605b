package dev.portcullis.security;

/**
 * A SQL function for H2 ({@code CREATE ALIAS PAUSE FOR 'dev.portcullis.security.SlowStore.pause'})
 * that makes an attribute query as slow as a value in the database says, so a test can slow the
 * store down and speed it up again without any state in Java.
 *
 * <p>Thread safety: stateless.
 */
public final class SlowStore {
    private SlowStore() {
    }

    /** Sleeps {@code millis} and returns 0. */
    public static int pause(int millis) throws InterruptedException {
        if (millis > 0) {
            Thread.sleep(millis);
        }
        return 0;
    }
}
