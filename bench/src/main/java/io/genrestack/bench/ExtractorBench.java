package io.genrestack.bench;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadFeature;
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
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.BiConsumer;
import java.util.stream.Stream;

/**
 * Extractor throughput benchmark: the real sample JSONs replicated to N files (default 20 000), then in one JVM
 * (1) a plain Jackson parse of every file (the baseline), (2) the extractor's per-track path: read, flatten with the
 * paper manifest, build the record, serialise it, (3) a streaming Jackson parse of every token with fast doubles on 1
 * and T threads (the limit), (4) the extractor's path as the service runs it ({@link OrderedPipeline}: a reader
 * thread, parse-and-flatten workers, results in input order to one thread) with one worker and with T (default 2),
 * (5) with {@code GENRESTACK_KAFKA_BOOTSTRAP} set, the same with T workers plus exactly-once publishing to
 * {@code track-features} on the real broker, (6) the Python peer on T processes ({@link PythonPeer}) and (7) archive
 * reading against {@code bzip2 -dc} ({@link ArchiveBench}). Prints tracks/s, the ratios beside their targets and the
 * peak heap. Run with {@code bench/extractor/run.sh [N] [T]}.
 */
public final class ExtractorBench {
    private ExtractorBench() {}

    public static void main(String[] args) throws Exception {
        Path samples = Path.of(args[0]);
        Path dir = Path.of(args[1]);
        int n = args.length > 2 ? Integer.parseInt(args[2]) : 20_000;
        int threads = args.length > 3 ? Integer.parseInt(args[3]) : 2;
        String peerScript = args.length > 4 ? args[4] : "";
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
        double limit1 = streamingParse(files, 1);
        double limit = streamingParse(files, threads);
        System.out.printf("streaming parse, 1 thread   %8.0f files/s  (JsonParser tokens, fast doubles)%n", limit1);
        System.out.printf("streaming parse, %d threads  %8.0f files/s  (the limit)%n", threads, limit);
        double one = pipelined(files, flattener, 1, (mbid, record) -> {});
        double many = pipelined(files, flattener, threads, (mbid, record) -> {});
        System.out.printf("pipelined, 1 worker         %8.0f tracks/s%n", one);
        System.out.printf(
                "pipelined, %d workers        %8.0f tracks/s  ratio to 1 worker %.2f  (%d cores)%n",
                threads, many, many / one, Runtime.getRuntime().availableProcessors());
        double kafka = Double.NaN;
        String bootstrap = System.getenv("GENRESTACK_KAFKA_BOOTSTRAP");
        if (bootstrap != null) {
            kafka = publishing(bootstrap, files, flattener, threads);
            System.out.printf(
                    "pipelined, %d workers + Kafka EOS %5.0f tracks/s  ratio to baseline %.2f%n",
                    threads, kafka, kafka / jackson);
            System.out.printf(
                    "full dump (1.77 M tracks) at this rate: %.0f min (target < 60 min, >= 500 tracks/s)%n",
                    1_770_000 / kafka / 60);
        } else {
            System.out.println("(GENRESTACK_KAFKA_BOOTSTRAP not set: Kafka publishing not measured)");
        }
        double peer = peerScript.isEmpty()
                ? Double.NaN
                : PythonPeer.rate(Path.of(peerScript), samples, dir, files, flattener, threads);
        System.out.printf(
                "Python peer, %d processes    %8.0f tracks/s  (json.loads + flatten, multiprocessing)%n",
                threads, peer);
        ArchiveBench.Result archive = ArchiveBench.measure(dir, files);
        System.out.printf(
                "archive read (extractor)    %8.0f tracks/s  %8.0f per CPU-second  (%d entries, %.1f MB out of bzip2,"
                        + " commons-compress, 1 thread)%n",
                archive.scannerRate(), archive.scannerCpuRate(), archive.entries(), archive.tarBytes() / 1e6);
        System.out.printf(
                "archive read (ext., native) %8.0f tracks/s  %8.0f per CPU-second  (%s; CPU incl. the child)%n",
                archive.nativeRate(),
                archive.nativeCpuRate(),
                archive.nativeCommand().isEmpty() ? "no lbzip2/pbzip2/bzip2 on PATH" : archive.nativeCommand());
        System.out.printf(
                "bzip2 -dc of the archive    %8.0f tracks/s  %8.0f per CPU-second  (1 core)%n",
                archive.bzip2Rate(), archive.bzip2CpuRate());
        System.out.println();
        System.out.println("ratio                                         measured  target");
        target("extractor + EOS vs Python peer (" + threads + " cores)", kafka / peer, 8.0);
        target("extractor + EOS vs streaming-parse limit", kafka / limit, 0.8);
        target("extractor " + threads + " workers vs 1 worker", many / one, threads == 2 ? 1.8 : 0.9 * threads);
        if (many / one > 1.05 * threads) {
            System.out.println("  (more than " + threads
                    + " x: outside load shares the cores per thread, not a speed-up;" + " measure on a quiet machine)");
        }
        target("archive reading vs bzip2 -dc, per CPU-second", archive.scannerCpuRate() / archive.bzip2CpuRate(), 1.0);
        target("archive reading, native, vs bzip2 -dc, per CPU", archive.nativeCpuRate() / archive.bzip2CpuRate(), 1.0);
        System.out.printf(
                "(archive reading vs bzip2 -dc, wall clock: %.2f, native %.2f; all other ratios are wall clock)%n",
                archive.scannerRate() / archive.bzip2Rate(), archive.nativeRate() / archive.bzip2Rate());
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

    /** Prints one ratio beside its target, PASS or BELOW (NaN: not measured). */
    static void target(String what, double ratio, double target) {
        String verdict = Double.isNaN(ratio) ? "not measured" : ratio >= target ? "PASS" : "BELOW";
        System.out.printf("%-45s %8.2f  >= %.1f  %s%n", what, ratio, target, verdict);
    }

    /**
     * Files/s of the cheapest full parse of the files: Jackson's streaming {@link JsonParser} over every token with
     * the fast double parser, every number read as a double and every string read, on {@code threads} threads (each
     * file read whole first, as the extractor does). The limit the extractor's path is measured against.
     */
    static double streamingParse(List<Path> files, int threads) throws Exception {
        JsonFactory factory = JsonFactory.builder()
                .enable(StreamReadFeature.USE_FAST_DOUBLE_PARSER)
                .build();
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            long t0 = System.nanoTime();
            List<Future<Double>> parts = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                int first = t;
                parts.add(pool.submit(() -> {
                    double sum = 0;
                    for (int i = first; i < files.size(); i += threads) {
                        try (JsonParser p = factory.createParser(Files.readAllBytes(files.get(i)))) {
                            for (JsonToken tok = p.nextToken(); tok != null; tok = p.nextToken()) {
                                if (tok == JsonToken.VALUE_NUMBER_FLOAT || tok == JsonToken.VALUE_NUMBER_INT) {
                                    sum += p.getDoubleValue();
                                } else if (tok == JsonToken.VALUE_STRING) {
                                    sum += p.getText().length();
                                }
                            }
                        }
                    }
                    return sum;
                }));
            }
            double sink = 0;
            for (Future<Double> f : parts) {
                sink += f.get();
            }
            if (Double.isNaN(sink)) {
                throw new IllegalStateException("NaN checksum");
            }
            return files.size() / ((System.nanoTime() - t0) / 1e9);
        } finally {
            pool.shutdown();
        }
    }

    /**
     * Tracks/s of {@link #pipelined} publishing every record exactly once to the broker, as the service does (chunks of
     * 500, the service's default), after a warm-up pass on the first 2 000 files as its own run (producer, topics and
     * the broker's code warmed, as in a running service). Prints the CPU time of this process and of the broker
     * process (pid in {@code GENRESTACK_BENCH_BROKER_PID}, when set) during the measured pass.
     */
    static double publishing(String bootstrap, List<Path> files, Flattener flattener, int threads) {
        TopicAdmin.ensureTopics(bootstrap, 12, (short) 1); // the services' default partitions
        publishOnce(bootstrap, files.subList(0, Math.min(2000, files.size())), flattener, threads);
        long broker = ProcessCpu.brokerTicks();
        long own = ProcessCpu.ownNanos();
        long t0 = System.nanoTime();
        publishOnce(bootstrap, files, flattener, threads);
        double wall = (System.nanoTime() - t0) / 1e9;
        double ownCpu = (ProcessCpu.ownNanos() - own) / 1e9;
        double brokerCpu = broker < 0 ? Double.NaN : ProcessCpu.ticksToSeconds(ProcessCpu.brokerTicks() - broker);
        System.out.printf(
                "  CPU during the publishing pass: this process %.1f s, the broker %.1f s, over %.1f s wall on %d"
                        + " cores (the local broker shares the cores; a deployed one does not)%n",
                ownCpu, brokerCpu, wall, Runtime.getRuntime().availableProcessors());
        return files.size() / wall;
    }

    private static void publishOnce(String bootstrap, List<Path> files, Flattener flattener, int threads) {
        String run = "bench-" + UUID.randomUUID().toString().substring(0, 8);
        try (ExactlyOnceWriter w = ExactlyOnceWriter.open(bootstrap, run, "bench", "all", "publish")) {
            long[] i = {0};
            pipelined(files, flattener, threads, (mbid, record) -> {
                w.send(Topics.TRACK_FEATURES, mbid, record);
                if (++i[0] % 500 == 0) {
                    w.checkpoint(ProgressMark.items(i[0]));
                }
            });
            w.finish(ProgressMark.items(i[0]));
        }
    }

    /**
     * Tracks/s of the extractor's path through {@link OrderedPipeline} with {@code threads} workers and the service's
     * window of 2 × threads: files read in order on the reader thread, flattened and serialised on the workers, each
     * record handed to {@code sink} (MBID, record bytes) in input order on this thread.
     */
    static double pipelined(List<Path> files, Flattener flattener, int threads, BiConsumer<String, byte[]> sink) {
        long[] bytes = {0};
        long t0 = System.nanoTime();
        OrderedPipeline.<Map.Entry<String, byte[]>>run(
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
                        out.accept(OrderedPipeline.Step.work(() -> Map.entry(
                                mbid,
                                Json.bytes(new TrackFeatures(
                                        "bench",
                                        mbid,
                                        Split.TRAIN,
                                        "rg",
                                        f.toString(),
                                        Map.of("lastfm", List.of(1, 2)),
                                        flattener.flatten(b))))));
                    }
                },
                record -> {
                    bytes[0] += record.getValue().length;
                    sink.accept(record.getKey(), record.getValue());
                });
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
