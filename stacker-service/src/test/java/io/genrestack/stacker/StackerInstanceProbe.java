package io.genrestack.stacker;

import io.genrestack.common.Topics;
import io.genrestack.common.kafka.EventPublisher;
import io.genrestack.common.kafka.JobWorker;
import io.genrestack.common.model.Instances;
import io.genrestack.common.storage.ObjectStore;
import io.genrestack.common.storage.StorageConfig;
import io.genrestack.platform.Infrastructure;
import io.genrestack.platform.StageMetrics;
import jakarta.enterprise.inject.Vetoed;

import java.nio.file.Path;
import java.util.OptionalLong;

/**
 * Another stacker instance for {@link StackerInstancesTest}, in its own JVM (its own {@link Instances#id()}, from
 * {@code GENRESTACK_INSTANCE}): the service's {@link StackerStage} behind a {@link JobWorker} of the stage's consumer
 * group, on the real broker and object storage, with the test profile's stacker settings (1 thread, CPU, the first
 * publishing attempt of a run failing after 700 predictions). The platform's Quarkus wiring (topics, health, REST) is
 * left out: the test's own service created the topics. Prints {@code stacker-instance ready <id>} once its consumer
 * has joined the group, and stops when its standard input closes.
 *
 * <p>Arguments: Kafka bootstrap, S3 endpoint, access key, secret key, bucket, work directory.
 */
public final class StackerInstanceProbe {
    private StackerInstanceProbe() {}

    public static void main(String[] args) throws Exception {
        String bootstrap = args[0];
        ObjectStore store = new ObjectStore(StorageConfig.of(args[1], args[2], args[3], args[4]));
        EventPublisher events = new EventPublisher(bootstrap, "genrestack-events-" + Instances.id());
        StackerStage stage = new StackerStage();
        stage.settings = new Settings();
        stage.platform(
                new Infrastructure.Given(bootstrap, store, events, Path.of(args[5])), new StageMetrics.Dropped());
        try (JobWorker worker = new JobWorker(bootstrap, Topics.STAGE_STACKER, stage::handle, 3, events).start()) {
            long deadline = System.currentTimeMillis() + 120_000;
            while (!worker.isConnected() && System.currentTimeMillis() < deadline) {
                Thread.sleep(200);
            }
            System.out.println(
                    "stacker-instance " + (worker.isConnected() ? "ready " : "not connected ") + Instances.id());
            System.out.flush();
            while (System.in.read() >= 0) {
                // until the test closes our standard input
            }
        } finally {
            stage.close();
            events.close();
            store.close();
        }
    }

    /** The test profile's {@code genrestack.stacker.*} (stacker-service application.properties, {@code %test}). */
    @Vetoed
    static final class Settings implements StackerSettings {
        @Override
        public String device() {
            return "cpu";
        }

        @Override
        public int threads() {
            return 1;
        }

        @Override
        public int keepInputsSeconds() {
            return 120;
        }

        @Override
        public int checkpointEvery() {
            return 250;
        }

        @Override
        public int predictMaxBytes() {
            return 2097152;
        }

        @Override
        public int predictCachedRuns() {
            return 2;
        }

        @Override
        public int latestRunCacheSeconds() {
            return 0;
        }

        @Override
        public int ablationResamples() {
            return 1000;
        }

        @Override
        public OptionalLong failAfterPredictions() {
            return OptionalLong.of(700);
        }
    }
}
