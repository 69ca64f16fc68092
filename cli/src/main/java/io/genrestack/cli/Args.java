package io.genrestack.cli;

/** Small helpers of the commands' option defaults. */
final class Args {
    private Args() {}

    /** The environment variable {@code name}, or {@code fallback} when it is unset or blank. */
    static String env(String name, String fallback) {
        String v = System.getenv(name);
        return v == null || v.isBlank() ? fallback : v;
    }
}
