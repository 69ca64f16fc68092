package io.genrestack.common.model;

import java.time.Instant;

/**
 * Topic {@code dead-letters}, key = the original record key (MBID or input name). Bad input or a record a stage
 * could not process, with the reason. Nothing is dropped silently: every such item lands here and is counted.
 *
 * @param stage which stage rejected it (extractor, scaler, ...)
 * @param key the original key (recording MBID when known, else the input name)
 * @param sourceFile the input file or archive entry, when the item came from a file
 * @param reason a human-readable reason, e.g. "lowlevel.mfcc.mean.3: expected a number, found a string"
 * @param excerpt the first bytes of the offending payload (at most 512 characters), for debugging
 */
public record DeadLetter(
        String runId, String stage, String key, String sourceFile, String reason, String excerpt, Instant time) {

    public static final int MAX_EXCERPT = 512;

    public static DeadLetter of(
            String runId, String stage, String key, String sourceFile, String reason, byte[] payload) {
        String excerpt = null;
        if (payload != null) {
            String s = new String(
                    payload, 0, Math.min(payload.length, MAX_EXCERPT * 4), java.nio.charset.StandardCharsets.UTF_8);
            excerpt = s.length() > MAX_EXCERPT ? s.substring(0, MAX_EXCERPT) : s;
        }
        return new DeadLetter(runId, stage, key, sourceFile, reason, excerpt, Instant.now());
    }
}
