package io.genrestack.common.features;

/**
 * Thrown when a low-level document cannot be turned into a feature vector: a whole section is missing, a value
 * has the wrong JSON type, a number is not finite, or a tonal key/scale string is not in the vocabulary.
 * Unchecked, so stream pipelines can route it to a dead-letter path. {@link #reason()} is the human-readable
 * cause; {@link #path()} is the JSON pointer involved, or {@code null} when the problem is not tied to one.
 */
public class FeatureException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    private final String path;
    private final String reason;

    public FeatureException(String path, String reason) {
        this(path, reason, null);
    }

    public FeatureException(String path, String reason, Throwable cause) {
        super(path == null || path.isEmpty() ? reason : path + ": " + reason, cause);
        this.path = path;
        this.reason = reason;
    }

    /** The JSON pointer the problem was found at (e.g. {@code /lowlevel/mfcc/mean/3}), or null. */
    public String path() {
        return path;
    }

    /** Human-readable cause, including the path when there is one. */
    public String reason() {
        return getMessage();
    }
}
