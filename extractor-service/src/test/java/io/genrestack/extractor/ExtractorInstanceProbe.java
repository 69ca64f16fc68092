package io.genrestack.extractor;

import io.genrestack.common.Topics;
import io.genrestack.common.kafka.EventPublisher;
import io.genrestack.common.kafka.ExactlyOnceWriter;
import io.genrestack.common.kafka.JobWorker;
import io.genrestack.common.model.Instances;
import io.genrestack.common.model.StageJob;
import io.genrestack.common.storage.ObjectStore;
import io.genrestack.common.storage.StorageConfig;
import io.genrestack.platform.Infrastructure;
import io.genrestack.platform.StageMetrics;
import jakarta.enterprise.inject.Vetoed;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * Another extractor instance for {@link ExtractorInstancesTest}, in its own JVM (its own {@link Instances#id()}, from
 * {@code GENRESTACK_INSTANCE}): the service's {@link ExtractorStage} behind a {@link JobWorker} of the extractor's
 * consumer group, on the real broker and object storage, with the test's input roots, one thread, small chunks and a
 * pause after every committed chunk ({@link ExactlyOnceWriter#chunkPause}), so that the test can kill it with
 * {@code SIGKILL} in the middle of a unit. No fault is injected. The platform's Quarkus wiring (topics, health, REST)
 * is left out: the test's own service created the topics. Prints {@code extractor-instance ready <id>} once its
 * consumer has joined the group, {@code extractor-instance unit <run>/<unit>} when a job attempt starts and
 * {@code extractor-instance done <run>/<unit>} when it ends, and stops when its standard input closes.
 *
 * <p>Arguments: Kafka bootstrap, S3 endpoint, access key, secret key, bucket, work directory, input roots (comma
 * list), checkpoint-every, chunk pause (ms), job group session timeout (ms).
 */
public final class ExtractorInstanceProbe {
    private ExtractorInstanceProbe() {}

    public static void main(String[] args) throws Exception {
        String bootstrap = args[0];
        ObjectStore store = new ObjectStore(StorageConfig.of(args[1], args[2], args[3], args[4]));
        EventPublisher events = new EventPublisher(bootstrap, "genrestack-events-" + Instances.id());
        ExactlyOnceWriter.chunkPause(Duration.ofMillis(Long.parseLong(args[8])));
        ExtractorStage stage = new ExtractorStage();
        stage.settings = new Settings(List.of(args[6].split(",")), Integer.parseInt(args[7]));
        stage.platform(
                new Infrastructure.Given(bootstrap, store, events, Path.of(args[5])), new StageMetrics.Dropped());
        JobWorker.Handler handler = job -> {
            say("unit", job);
            try {
                stage.handle(job);
            } finally {
                say("done", job);
            }
        };
        try (JobWorker worker = new JobWorker(
                        bootstrap, Topics.STAGE_EXTRACTOR, handler, 3, events, Integer.parseInt(args[9]))
                .start()) {
            long deadline = System.currentTimeMillis() + 120_000;
            while (!worker.isConnected() && System.currentTimeMillis() < deadline) {
                Thread.sleep(200);
            }
            System.out.println(
                    "extractor-instance " + (worker.isConnected() ? "ready " : "not connected ") + Instances.id());
            System.out.flush();
            while (System.in.read() >= 0) {
                // until the test closes our standard input (or kills us)
            }
        } finally {
            stage.closeS3();
            events.close();
            store.close();
        }
    }

    private static synchronized void say(String what, StageJob job) {
        System.out.println("extractor-instance " + what + " " + job.runId() + "/" + job.unit());
        System.out.flush();
    }

    /** {@code genrestack.extractor.*}: the defaults, with the test's input roots, one thread and small chunks. */
    @Vetoed
    record Settings(List<String> inputRoots, int checkpointEvery) implements ExtractorSettings {
        @Override
        public long maxDocumentBytes() {
            return 16777216;
        }

        @Override
        public Optional<Integer> threads() {
            return Optional.of(1);
        }

        @Override
        public int units() {
            return 1;
        }

        @Override
        public OptionalLong failAfterItems() {
            return OptionalLong.empty();
        }

        @Override
        public int progressSeconds() {
            return 5;
        }

        @Override
        public Optional<List<String>> autoRunInputs() {
            return Optional.empty();
        }

        @Override
        public Optional<List<String>> autoRunGroundTruth() {
            return Optional.empty();
        }

        @Override
        public String autoRunId() {
            return "auto";
        }

        @Override
        public Optional<List<String>> inputBuckets() {
            return Optional.empty();
        }

        @Override
        public String bzip2() {
            return "auto";
        }
    }
}
