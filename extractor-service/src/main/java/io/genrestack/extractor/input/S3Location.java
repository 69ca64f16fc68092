package io.genrestack.extractor.input;

import java.util.Locale;
import java.util.regex.Pattern;

/**
 * An input or ground-truth location in object storage, {@code s3://<bucket>[/<prefix>]}: a "folder" (every object
 * under {@code <prefix>/}) or one object. The prefix has no leading or trailing {@code /}; empty means the whole
 * bucket.
 */
public record S3Location(String bucket, String prefix) {
    /** The scheme that marks a location as one in object storage. */
    public static final String SCHEME = "s3://";

    private static final Pattern BUCKET = Pattern.compile("[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]");

    /** True when {@code location} starts with {@code s3://} (any case): it is judged and read as an S3 location. */
    public static boolean isS3(String location) {
        return location != null && location.regionMatches(true, 0, SCHEME, 0, SCHEME.length());
    }

    /**
     * Parses {@code s3://bucket/prefix} (or, for allow-list entries, {@code bucket/prefix} without the scheme).
     *
     * @throws IllegalArgumentException naming what is wrong: a bucket name S3 would not accept, a {@code .} or
     *     {@code ..} or empty segment, a control character
     */
    public static S3Location parse(String location) {
        String s = location.strip();
        if (isS3(s)) {
            s = s.substring(SCHEME.length());
        }
        int slash = s.indexOf('/');
        String bucket = slash < 0 ? s : s.substring(0, slash);
        String prefix = slash < 0 ? "" : s.substring(slash + 1);
        while (prefix.endsWith("/")) {
            prefix = prefix.substring(0, prefix.length() - 1);
        }
        if (!BUCKET.matcher(bucket).matches() || bucket.contains("..")) {
            throw new IllegalArgumentException(
                    "not an S3 bucket name: '" + bucket + "' (in " + SCHEME + "<bucket>/<prefix>)");
        }
        if (!prefix.isEmpty()) {
            for (String seg : prefix.split("/", -1)) {
                if (seg.isEmpty() || seg.equals(".") || seg.equals("..")) {
                    throw new IllegalArgumentException(
                            "S3 prefix with an empty, '.' or '..' segment refused: " + SCHEME + bucket + "/" + prefix);
                }
            }
            if (prefix.chars().anyMatch(c -> c < 0x20 || c == 0x7f)) {
                throw new IllegalArgumentException("S3 prefix with a control character refused");
            }
        }
        return new S3Location(bucket.toLowerCase(Locale.ROOT), prefix);
    }

    /** Whether this location lies inside {@code other}: the same bucket, and the prefix equal or below its prefix. */
    public boolean within(S3Location other) {
        return bucket.equals(other.bucket)
                && (other.prefix.isEmpty() || prefix.equals(other.prefix) || prefix.startsWith(other.prefix + "/"));
    }

    /** The key prefix of the objects "in" this location as a folder: {@code <prefix>/}, or empty for the bucket. */
    String folderPrefix() {
        return prefix.isEmpty() ? "" : prefix + "/";
    }

    /**
     * How items of this location are named, like a local folder's: its last prefix segment (the bucket when the
     * prefix is empty), so the same files read from a folder or from object storage give the same item names.
     */
    String display() {
        return prefix.isEmpty() ? bucket : prefix.substring(prefix.lastIndexOf('/') + 1);
    }

    @Override
    public String toString() {
        return SCHEME + bucket + (prefix.isEmpty() ? "" : "/" + prefix);
    }
}
