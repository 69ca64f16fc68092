package io.genrestack.bench;

import io.genrestack.common.Topics;
import io.genrestack.common.kafka.EventPublisher;
import io.genrestack.common.kafka.ExactlyOnceWriter;
import io.genrestack.common.kafka.JobWorker;
import io.genrestack.common.kafka.TopicAdmin;
import io.genrestack.common.kafka.TopicScan;
import io.genrestack.common.model.ProgressMark;
import io.genrestack.common.model.RunConfig;
import io.genrestack.common.model.Split;
import io.genrestack.common.model.StageJob;
import io.genrestack.common.model.TopicRange;
import io.genrestack.common.model.TrackFeatures;
import io.genrestack.common.serde.Json;
import io.genrestack.common.storage.RunPaths;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

/**
 * Scaler instances benchmark: N synthetic tracks of C features (default 20 000 × 2669) published to
 * {@code track-features} of the real broker, then scaled (statistics pass + standardising pass + trainer hand-over)
 * by the packaged scaler service, once with one instance ({@code genrestack.scaler.parts=1}) and once with two
 * instances in one consumer group and {@code genrestack.scaler.parts=2} (the run fanned out over both, as in
 * {@code ScalerPartsTest}). Each run gets its own copy of the input; the time is from the job's submission until
 * the trainer jobs are on {@code trainer-jobs}. Prints both times and their ratio. Run with
 * {@code bench/scaler/run.sh [N] [C]} (needs GENRESTACK_KAFKA_BOOTSTRAP and GENRESTACK_S3_* of a running broker and
 * object store).
 */
public final class ScalerBench {
    /** Tracks of the warm-up run before each measured one. */
    static final int WARM_UP = 4000;

    private ScalerBench() {}

    public static void main(String[] args) throws Exception {
        Path repo = Path.of(args[0]);
        Path work = Path.of(args[1]);
        int n = args.length > 2 ? Integer.parseInt(args[2]) : 20_000;
        int cols = args.length > 3 ? Integer.parseInt(args[3]) : 2669;
        String bootstrap = System.getenv("GENRESTACK_KAFKA_BOOTSTRAP");
        TopicAdmin.ensureTopics(bootstrap, 12, (short) 1);
        System.out.printf(
                "tracks                      %d × %d features (%d input partitions)%n",
                n, cols, TopicAdmin.partitions(bootstrap, Topics.TRACK_FEATURES));
        double one = scale(repo, work, bootstrap, n, cols, 1);
        double two = scale(repo, work, bootstrap, n, cols, 2);
        System.out.printf("1 scaler instance, 1 part   %8.1f s  %8.0f tracks/s%n", one, n / one);
        System.out.printf("2 scaler instances, 2 parts %8.1f s  %8.0f tracks/s%n", two, n / two);
        System.out.printf(
                "ratio 2 instances vs 1      %8.2f  (%d cores on this machine)%n",
                one / two, Runtime.getRuntime().availableProcessors());
    }

    /**
     * Seconds to scale a fresh run of n tracks with {@code instances} scaler processes and as many parts, after a
     * warm-up run of {@value #WARM_UP} tracks on the same processes (each JVM's code compiled, as in a running
     * service: measured cold, the second instance paid its own JIT warm-up on the same two cores).
     */
    static double scale(Path repo, Path work, String bootstrap, int n, int cols, int instances) throws Exception {
        String tag =
                "bench-scaler-" + instances + "-" + UUID.randomUUID().toString().substring(0, 8);
        String warm = tag + "-warm";
        TopicRange warmInput = publish(bootstrap, warm, Math.min(WARM_UP, n), cols);
        TopicRange input = publish(bootstrap, tag, n, cols);
        List<Process> scalers = new ArrayList<>();
        try {
            for (int i = 0; i < instances; i++) {
                scalers.add(start(repo, work, i, instances));
            }
            for (int i = 0; i < instances; i++) {
                awaitReady(scalers.get(i), port(i), work.resolve("scaler-" + i + ".log"));
            }
            Thread.sleep(5000); // let the consumer group settle: every instance holds job partitions
            scaleOnce(bootstrap, work, scalers, warm, warmInput);
            return scaleOnce(bootstrap, work, scalers, tag, input);
        } finally {
            for (Process p : scalers) {
                p.destroy();
            }
            for (Process p : scalers) {
                if (!p.waitFor(30, TimeUnit.SECONDS)) {
                    p.destroyForcibly();
                }
            }
        }
    }

    /** Seconds from submitting {@code run}'s scaler job to its trainer jobs being on {@code trainer-jobs}. */
    private static double scaleOnce(String bootstrap, Path work, List<Process> scalers, String run, TopicRange input)
            throws Exception {
        StageJob job = StageJob.of(
                run,
                Topics.STAGE_SCALER,
                StageJob.ALL,
                RunConfig.defaults(List.of(), List.of()),
                Map.of(StageJob.FEATURES, input),
                Map.of(StageJob.labelsName("lastfm"), RunPaths.labels(run, "lastfm")));
        long t0 = System.nanoTime();
        try (EventPublisher publisher = new EventPublisher(bootstrap, "bench-scaler")) {
            JobWorker.submit(publisher, job);
        }
        while (trainerJobs(bootstrap, run) == 0) {
            for (Process p : scalers) {
                if (!p.isAlive()) {
                    throw new IllegalStateException("a scaler instance exited; see " + work);
                }
            }
            Thread.sleep(250);
        }
        return (System.nanoTime() - t0) / 1e9;
    }

    static long trainerJobs(String bootstrap, String run) throws Exception {
        return TopicScan.readAll(bootstrap, Topics.jobs(Topics.STAGE_TRAINER), StageJob.class).stream()
                .filter(j -> j.runId().equals(run))
                .count();
    }

    /** The run's tracks (one in five validation, a few NaNs, one constant column), published exactly once. */
    static TopicRange publish(String bootstrap, String run, int n, int cols) {
        Random r = new Random(5);
        try (ExactlyOnceWriter w = ExactlyOnceWriter.open(bootstrap, run, "extractor", "all", "publish")) {
            for (int i = 0; i < n; i++) {
                float[] v = new float[cols];
                for (int j = 0; j < cols; j++) {
                    v[j] = (i + j) % 97 == 0 ? Float.NaN : (float) (r.nextGaussian() * (j % 7 + 1) + j % 11);
                }
                v[3] = 2f;
                String mbid = new UUID(77, i).toString();
                Split split = i % 5 == 0 ? Split.VALIDATION : Split.TRAIN;
                w.send(
                        Topics.TRACK_FEATURES,
                        mbid,
                        Json.bytes(new TrackFeatures(
                                run, mbid, split, "rg-" + i / 3, "x", Map.of("lastfm", List.of(i % 3)), v)));
                if ((i + 1) % 500 == 0) {
                    w.checkpoint(ProgressMark.items((long) i + 1));
                }
            }
            w.finish(ProgressMark.items((long) n));
            return w.outputRange(Topics.TRACK_FEATURES);
        }
    }

    static int port(int instance) {
        return 18_092 + instance;
    }

    /** Starts instance {@code i} of the packaged scaler service with {@code parts} parts per run. */
    static Process start(Path repo, Path work, int i, int parts) throws Exception {
        Path jar = repo.resolve("scaler-service/target/quarkus-app/quarkus-run.jar");
        if (!Files.exists(jar)) {
            throw new IllegalStateException(jar + " is missing: build it (bench/scaler/run.sh does)");
        }
        Files.createDirectories(work);
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Map<String, String> env = new HashMap<>(System.getenv());
        env.put("KAFKA_BOOTSTRAP_SERVERS", env.get("GENRESTACK_KAFKA_BOOTSTRAP"));
        env.put("QUARKUS_HTTP_PORT", String.valueOf(port(i)));
        env.put("GENRESTACK_PLATFORM_WORK_DIR", work.resolve("scratch-" + i).toString());
        env.put("GENRESTACK_INSTANCE", "bench-scaler-" + i);
        env.put("GENRESTACK_SCALER_PARTS", String.valueOf(parts));
        ProcessBuilder pb = new ProcessBuilder(java, "-Xmx512m", "-jar", jar.toString())
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(
                        work.resolve("scaler-" + i + ".log").toFile()));
        pb.environment().clear();
        pb.environment().putAll(env);
        return pb.start();
    }

    static void awaitReady(Process p, int port, Path log) throws Exception {
        HttpClient http = HttpClient.newHttpClient();
        long deadline = System.currentTimeMillis() + 180_000;
        while (System.currentTimeMillis() < deadline) {
            if (!p.isAlive()) {
                throw new IllegalStateException("scaler exited with " + p.exitValue() + "; see " + log);
            }
            try {
                HttpResponse<Void> r = http.send(
                        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/q/health/ready"))
                                .build(),
                        HttpResponse.BodyHandlers.discarding());
                if (r.statusCode() == 200) {
                    return;
                }
            } catch (java.io.IOException notYet) {
                // not listening yet
            }
            Thread.sleep(500);
        }
        throw new IllegalStateException("scaler on port " + port + " not ready; see " + log);
    }
}
