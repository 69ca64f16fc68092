package io.genrestack.cli;

import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** What a user sees when the broker is not there: a clear message naming the address and how to set it, exit 1. */
class DecodeCommandTest {

    @Test
    void unreachableBrokerIsNamedInsteadOfHanging() throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int rc = Genrestack.execute(
                new PrintWriter(out, true, StandardCharsets.UTF_8),
                new PrintWriter(err, true, StandardCharsets.UTF_8),
                "decode",
                "run-events",
                "--bootstrap",
                "127.0.0.1:1");
        String message = err.toString(StandardCharsets.UTF_8);
        assertEquals(1, rc, message);
        assertTrue(message.contains("no answer from Kafka at 127.0.0.1:1") && message.contains("--bootstrap"), message);
        assertEquals("", out.toString(StandardCharsets.UTF_8));
    }
}
