package io.genrestack.extractor;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

import java.util.List;
import java.util.Optional;

/** {@code genrestack.extractor.*} (env {@code GENRESTACK_EXTRACTOR_*}). */
@ConfigMapping(prefix = "genrestack.extractor")
public interface ExtractorSettings {
    /** Items per exactly-once chunk (one Kafka transaction + progress mark). */
    @WithDefault("500")
    int checkpointEvery();

    /** Largest accepted JSON document (bytes); larger ones are dead-lettered unread. */
    @WithDefault("16777216")
    long maxDocumentBytes();

    /**
     * Threads that parse and flatten documents (one reader thread and the publishing thread come on top; the records,
     * their order, the progress marks and the dead letters are the same for every count). Unset or 0: the available
     * processors.
     */
    Optional<Integer> threads();

    /** {@link #threads()} resolved: at least 1. */
    default int threadCount() {
        int t = threads().orElse(0);
        if (t < 0) {
            throw new IllegalArgumentException("genrestack.extractor.threads must be 0 (all processors) or more: " + t);
        }
        return t == 0 ? Runtime.getRuntime().availableProcessors() : t;
    }

    /**
     * Units a run's extraction is split into, so that several extractor instances (members of the extractor's
     * consumer group) extract one run at once: 1 (the default) extracts the whole run in one job, exactly as one
     * instance always did; more plan the inputs into up to that many units (whole archives, file ranges of folders,
     * {@code s3://} locations; {@code ExtractionUnits}), one job each on {@code extractor-jobs}, and hand the next
     * stage one job once every unit is done. The records published are the same for every count.
     */
    @WithDefault("1")
    int units();

    /**
     * Fault injection for tests and drills: the first attempt of each publishing step in this process fails after
     * this many items (the job is retried and resumes from the last committed chunk). Unset in production.
     */
    java.util.OptionalLong failAfterItems();

    /** Seconds between progress log lines and progress events. */
    @WithDefault("5")
    int progressSeconds();

    /**
     * Submit one run at start-up (docker-compose / Kubernetes jobs): when set, the extractor publishes an extraction
     * job for these inputs unless a run with {@link #autoRunId()} already exists.
     */
    Optional<List<String>> autoRunInputs();

    Optional<List<String>> autoRunGroundTruth();

    @WithDefault("auto")
    String autoRunId();

    /**
     * Folders (comma-separated, absolute) that run inputs and ground truth must lie in; anything else, {@code ..}
     * and links leading out are refused with 403 and never opened ({@code InputRoots}). Default {@code /data}, the
     * data mount of compose and the PVC mount in deploy/.
     */
    @WithDefault("/data")
    List<String> inputRoots();

    /**
     * Object-storage locations run inputs and ground truth may be read from as {@code s3://bucket/prefix}
     * (comma-separated {@code bucket} or {@code bucket/prefix} entries, with the {@code genrestack.s3.*} endpoint and
     * credentials); unset (the default): none, every {@code s3://} location is refused with 400 ({@code S3Inputs}).
     */
    Optional<List<String>> inputBuckets();

    /**
     * How {@code .tar.bz2} archives are decompressed ({@code Bzip2}): {@code auto} (the default) runs the first of
     * {@code lbzip2 -dc -n 1}, {@code pbzip2 -dc -p1}, {@code bzip2 -dc} found on {@code PATH} as a child process per
     * archive (single-threaded), and commons-compress in the JVM when none is; {@code java} always uses
     * commons-compress; anything else is a command line that decompresses standard input to standard output. Items and
     * dead letters are the same either way (after a native decompressor fails, commons-compress reads on).
     */
    @WithDefault("auto")
    String bzip2();
}
