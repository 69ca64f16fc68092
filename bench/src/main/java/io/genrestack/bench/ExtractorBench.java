package io.genrestack.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.genrestack.common.Topics;
import io.genrestack.common.features.FeatureManifest;
import io.genrestack.common.features.Flattener;
import io.genrestack.common.io.OrderedPipeline;
import io.genrestack.common.kafka.ExactlyOnceWriter;
import io.genrestack.common.kafka.TopicAdmin;
import io.genrestack.common.model.ProgressMark;
import io.genrestack.common.model.Split;
import io.genrestack.common.model.TrackFeatures;
import io.genrestack.common.serde.Json;

import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Stream;

/**
 * Extractor throughput benchmark: the real sample JSONs replicated to N files (default 20 000), then in one JVM
 * (1) a plain Jackson parse of every file (the baseline), (2) the extractor's per-track path: read, flatten with the
 * paper manifest, build the record, serialise it, and (3) with {@code GENRESTACK_KAFKA_BOOTSTRAP} set, the same plus
 * exactly-once publishing to {@code track-features} on the real broker, and (4) the extractor's path as the service
 * runs it ({@link OrderedPipeline}: a reader thread, parse-and-flatten workers, results in input order to one thread)
 * with one worker and with T (default 2), and their ratio. Prints tracks/s, the ratios to the baseline and the peak
 * heap. Run with {@code bench/extractor/run.sh [N] [T]}.
 */
public final class ExtractorBench {
    private ExtractorBench() {}

    public static void main(String[] args) throws Exception {
        Path samples = Path.of(args[0]);
        Path dir = Path.of(args[1]);
        int n = args.length > 2 ? Integer.parseInt(args[2]) : 20_000;
        int threads = args.length > 3 ? Integer.parseInt(args[3]) : 2;
        List<Path> files = replicate(samples, dir, n);
        ObjectMapper plain = new ObjectMapper();
        // warm-up on 1000 files
        Flattener flattener = new Flattener(FeatureManifest.forPreset("paper"));
        for (int i = 0; i < Math.min(1000, files.size()); i++) {
            byte[] b = Files.readAllBytes(files.get(i));
            plain.readTree(b);
            flattener.flatten(b);
        }
        long t0 = System.nanoTime();
        long sink = 0;
        for (Path f : files) {
            JsonNode node = plain.readTree(Files.readAllBytes(f));
            sink += node.size();
        }
        double jackson = files.size() / ((System.nanoTime() - t0) / 1e9);
        t0 = System.nanoTime();
        long bytes = 0;
        for (Path f : files) {
            byte[] b = Files.readAllBytes(f);
            float[] v = flattener.flatten(b);
            String name = f.getFileName().toString();
            TrackFeatures t = new TrackFeatures(
                    "bench",
                    name.substring(0, 36),
                    Split.TRAIN,
                    "rg",
                    f.toString(),
                    Map.of("lastfm", List.of(1, 2)),
                    v);
            bytes += Json.bytes(t).length;
        }
        double extractor = files.size() / ((System.nanoTime() - t0) / 1e9);
        System.out.printf("files                       %d (replicated from %s)%n", files.size(), samples);
        System.out.printf("plain Jackson parse         %8.0f files/s  (baseline, checksum %d)%n", jackson, sink);
        System.out.printf(
                "extractor path (no Kafka)   %8.0f tracks/s  ratio to baseline %.2f  (%d record bytes)%n",
                extractor, extractor / jackson, bytes);
        double one = pipelined(files, flattener, 1);
        double many = pipelined(files, flattener, threads);
        System.out.printf("pipelined, 1 worker         %8.0f tracks/s%n", one);
        System.out.printf(
                "pipelined, %d workers        %8.0f tracks/s  ratio to 1 worker %.2f  (%d cores)%n",
                threads, many, many / one, Runtime.getRuntime().availableProcessors());
        String bootstrap = System.getenv("GENRESTACK_KAFKA_BOOTSTRAP");
        if (bootstrap != null) {
            TopicAdmin.ensureTopics(bootstrap, 3, (short) 1);
            String run = "bench-" + UUID.randomUUID().toString().substring(0, 8);
            t0 = System.nanoTime();
            try (ExactlyOnceWriter w = ExactlyOnceWriter.open(bootstrap, run, "bench", "all", "publish")) {
                int i = 0;
                for (Path f : files) {
                    float[] v = flattener.flatten(Files.readAllBytes(f));
                    String mbid = f.getFileName().toString().substring(0, 36);
                    w.send(
                            Topics.TRACK_FEATURES,
                            mbid,
                            Json.bytes(new TrackFeatures(
                                    run, mbid, Split.TRAIN, "rg", f.toString(), Map.of("lastfm", List.of(1)), v)));
                    if (++i % 500 == 0) {
                        w.checkpoint(ProgressMark.items((long) i));
                    }
                }
                w.finish(ProgressMark.items((long) i));
            }
            double kafka = files.size() / ((System.nanoTime() - t0) / 1e9);
            System.out.printf(
                    "extractor path + Kafka EOS  %8.0f tracks/s  ratio to baseline %.2f%n", kafka, kafka / jackson);
            System.out.printf(
                    "full dump (1.77 M tracks) at this rate: %.0f min (target < 60 min, >= 500 tracks/s)%n",
                    1_770_000 / kafka / 60);
        } else {
            System.out.println("(GENRESTACK_KAFKA_BOOTSTRAP not set: Kafka publishing not measured)");
        }
        long peak = 0;
        for (MemoryPoolMXBean p : ManagementFactory.getMemoryPoolMXBeans()) {
            if (p.getType() == MemoryType.HEAP) {
                peak += p.getPeakUsage().getUsed();
            }
        }
        System.out.printf(
                "peak heap                   %d MiB (max %d MiB)%n",
                peak >> 20, Runtime.getRuntime().maxMemory() >> 20);
    }

    /**
     * Tracks/s of the extractor's path through {@link OrderedPipeline} with {@code threads} workers and the service's
     * window of 2 × threads: files read in order on the reader thread, flattened and serialised on the workers, the
     * records' sizes summed in order on this thread.
     */
    static double pipelined(List<Path> files, Flattener flattener, int threads) {
        long[] bytes = {0};
        long t0 = System.nanoTime();
        OrderedPipeline.<byte[]>run(
                threads,
                2 * threads,
                out -> {
                    for (Path f : files) {
                        byte[] b;
                        try {
                            b = Files.readAllBytes(f);
                        } catch (java.io.IOException e) {
                            throw new java.io.UncheckedIOException(e);
                        }
                        String mbid = f.getFileName().toString().substring(0, 36);
                        out.accept(OrderedPipeline.Step.work(() -> Json.bytes(new TrackFeatures(
                                "bench",
                                mbid,
                                Split.TRAIN,
                                "rg",
                                f.toString(),
                                Map.of("lastfm", List.of(1, 2)),
                                flattener.flatten(b)))));
                    }
                },
                record -> bytes[0] += record.length);
        if (bytes[0] == 0) {
            throw new IllegalStateException("no records");
        }
        return files.size() / ((System.nanoTime() - t0) / 1e9);
    }

    /** Copies the sample files under fresh MBID names until there are n (reuses an existing replica). */
    static List<Path> replicate(Path samples, Path dir, int n) throws Exception {
        List<Path> sources;
        try (Stream<Path> s = Files.list(samples)) {
            sources = s.filter(p -> p.toString().endsWith(".json")).sorted().toList();
        }
        Files.createDirectories(dir);
        try (Stream<Path> s = Files.list(dir)) {
            if (s.count() != n) {
                try (Stream<Path> old = Files.list(dir)) {
                    for (Path p : old.toList()) {
                        Files.delete(p);
                    }
                }
                for (int i = 0; i < n; i++) {
                    Files.copy(sources.get(i % sources.size()), dir.resolve(new UUID(4242, i) + ".json"));
                }
            }
        }
        try (Stream<Path> s = Files.list(dir)) {
            return s.sorted().toList();
        }
    }
}
