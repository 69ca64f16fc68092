package io.genrestack.cli;

import com.fasterxml.jackson.databind.JsonNode;
import io.genrestack.common.Sources;
import io.genrestack.common.Topics;
import io.genrestack.common.kafka.KafkaClients;
import io.genrestack.common.model.RunEvent;
import io.genrestack.common.serde.Json;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * {@code genrestack run}: the whole pipeline on this machine, no Docker. Starts the local Kafka and S3 servers
 * (scripts/local-infra.sh), writes synthetic data (or takes {@code --data}/{@code --ground-truth}), starts the five
 * services as processes, submits the run, follows it on {@code run-events}, prints the ROC-AUC table next to the
 * paper's, and stops what it started — also on Ctrl-C and on failure, when it exits non-zero naming the failing stage.
 */
public final class LocalRun {
    static final List<String> SERVICES = List.of("extractor", "scaler", "trainer", "stacker", "evaluator");
    static final Map<String, Integer> PORTS = Map.of("extractor", 8091, "scaler", 8092, "trainer", 8093, "stacker",
            8094, "evaluator", 8095);

    /** Thrown when a stage fails; carries the stage's name. */
    static final class StageFailure extends RuntimeException {
        final String stage;

        StageFailure(String stage, String message) {
            super(message);
            this.stage = stage;
        }
    }

    record Options(int tracks, long seed, List<String> data, List<String> groundTruth, Integer maxEpochs,
            Path work, int timeoutMinutes, boolean keep, boolean givenSplit, String runId, int portOffset) {
    }

    private final Options opts;
    private final Path repo;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(3)).build();
    /** The running process of each started service, in start order. */
    private final Map<String, Process> byService = new LinkedHashMap<>();
    private final Map<String, String> serviceEnv = new HashMap<>();
    private final Map<String, String> heaps = new HashMap<>();
    private boolean startedInfra;
    private io.genrestack.cli.synth.Shape shape = io.genrestack.cli.synth.Shape.SYNTHETIC;
    private Map<String, String> infraEnv;

    LocalRun(Options opts, Path repo) {
        this.opts = opts;
        this.repo = repo;
    }

    /** A run against Kafka and S3 that are already up ({@code GENRESTACK_KAFKA_BOOTSTRAP}, {@code GENRESTACK_S3_*}). */
    LocalRun(Options opts, Path repo, Map<String, String> infraEnv) {
        this(opts, repo);
        this.infraEnv = new HashMap<>(infraEnv);
    }

    /** Adds an environment variable to every service started from now on. */
    LocalRun env(String name, String value) {
        serviceEnv.put(name, value);
        return this;
    }

    /** Sets the shape of the synthetic data ({@code --shape}); the default is {@code synthetic}. */
    LocalRun shape(io.genrestack.cli.synth.Shape s) {
        this.shape = s;
        return this;
    }

    /** Sets a service's maximum heap ({@code -Xmx} value, e.g. {@code 128m}) for its next start. */
    LocalRun heap(String service, String xmx) {
        heaps.put(service, xmx);
        return this;
    }

    static int main(List<String> args) throws Exception {
        if (args.contains("--help")) {
            System.out.println("""
                    usage: genrestack run [--tracks N] [--seed S] [--shape synthetic|real]
                                          [--max-epochs N]
                                          [--data DIR_OR_ARCHIVE ... --ground-truth DIR_OR_TSV ...] [--given-split]
                                          [--run-id ID] [--work DIR] [--timeout-minutes M] [--keep] [--port-offset K]
                      default: 20000 synthetic tracks, seed 42, the paper's training settings (≤100 epochs, patience 4)
                    """);
            return 0;
        }
        Map<String, String> o = new HashMap<>();
        List<String> data = new ArrayList<>();
        List<String> gt = new ArrayList<>();
        for (int i = 0; i < args.size(); i++) {
            String a = args.get(i);
            switch (a) {
                case "--keep", "--given-split" -> o.put(a, "true");
                case "--data" -> data.add(args.get(++i));
                case "--ground-truth" -> gt.add(args.get(++i));
                case "--tracks", "--seed", "--shape", "--max-epochs", "--work", "--timeout-minutes", "--run-id",
                        "--port-offset" -> o.put(a, args.get(++i));
                default -> throw new IllegalArgumentException("unknown option " + a + " (see --help)");
            }
        }
        if (data.isEmpty() != gt.isEmpty()) {
            throw new IllegalArgumentException("--data and --ground-truth go together");
        }
        Path repo = repoRoot();
        Options opts = new Options(Integer.parseInt(o.getOrDefault("--tracks", "20000")),
                Long.parseLong(o.getOrDefault("--seed", "42")), data, gt,
                o.containsKey("--max-epochs") ? Integer.parseInt(o.get("--max-epochs")) : null,
                Path.of(o.getOrDefault("--work", repo.resolve(".work/local-run").toString())).toAbsolutePath(),
                Integer.parseInt(o.getOrDefault("--timeout-minutes", "60")), o.containsKey("--keep"),
                o.containsKey("--given-split"), o.get("--run-id"), Integer.parseInt(o.getOrDefault("--port-offset", "0")));
        LocalRun run = new LocalRun(opts, repo)
                .shape(io.genrestack.cli.synth.Shape.parse(o.getOrDefault("--shape", "synthetic")));
        Thread hook = new Thread(run::stopAll, "genrestack-run-cleanup");
        Runtime.getRuntime().addShutdownHook(hook);
        try {
            JsonNode report = run.execute();
            System.out.println(table(report));
            return 0;
        } catch (StageFailure e) {
            System.err.println("\nFAILED in stage '" + e.stage + "': " + e.getMessage());
            System.err.println("logs: " + opts.work().resolve("logs"));
            return 1;
        } finally {
            if (!opts.keep()) {
                run.stopAll();
            }
            try {
                Runtime.getRuntime().removeShutdownHook(hook);
            } catch (IllegalStateException ignored) {
                // shutting down already
            }
        }
    }

    static Path repoRoot() {
        String prop = System.getProperty("genrestack.repo.root");
        if (prop != null) {
            return Path.of(prop).toAbsolutePath().normalize();
        }
        Path p = Path.of("").toAbsolutePath();
        while (p != null && !Files.exists(p.resolve("scripts/local-infra.sh"))) {
            p = p.getParent();
        }
        if (p == null) {
            throw new IllegalStateException("run from inside the GenreStack repository (scripts/local-infra.sh not found)");
        }
        return p;
    }

    JsonNode execute() throws Exception {
        long t0 = System.nanoTime();
        Files.createDirectories(opts.work().resolve("logs"));
        step("infrastructure", this::startInfra);
        List<String> inputs;
        List<String> gt;
        if (opts.data().isEmpty()) {
            Path dir = syntheticDir();
            step("synthetic data", () -> synth(dir));
            inputs = List.of(dir.resolve("lowlevel").toString());
            gt = List.of(dir.resolve("groundtruth").toString());
        } else {
            inputs = opts.data().stream().map(s -> Path.of(s).toAbsolutePath().toString()).toList();
            gt = opts.groundTruth().stream().map(s -> Path.of(s).toAbsolutePath().toString()).toList();
        }
        step("services", this::startServices);
        String runId = opts.runId() != null ? opts.runId()
                : "local-" + LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss"));
        long offset = submit(runId, inputs, gt);
        follow(runId, offset, e -> {
        });
        JsonNode report = report(runId);
        log("finished in %.1f min; reports: runs/%s/reports/ in bucket genrestack, and %s", (System.nanoTime() - t0) / 6e10,
                runId, url("evaluator", "/runs/" + runId + "/report.html"));
        return report;
    }

    /** The synthetic data set of these options (written when missing): its lowlevel/ and groundtruth/ folders. */
    Path syntheticData() throws Exception {
        Path dir = syntheticDir();
        synth(dir);
        return dir;
    }

    private Path syntheticDir() {
        return opts.work().resolve("data/synthetic-" + opts.tracks() + "-" + opts.seed()
                + (shape == io.genrestack.cli.synth.Shape.REAL ? "-real" : ""));
    }

    /** Submits a run to the extractor; returns the end of {@code run-events} before it, for {@link #follow}. */
    long submit(String runId, List<String> inputs, List<String> gt) throws Exception {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("runId", runId);
        body.put("inputs", inputs);
        body.put("groundTruth", gt);
        body.put("seed", opts.seed());
        body.put("givenSplit", opts.givenSplit());
        if (opts.maxEpochs() != null) {
            body.put("maxEpochs", opts.maxEpochs());
        }
        long offset = runEventsEnd();
        HttpResponse<String> r = post(url("extractor", "/runs"), Json.MAPPER.writeValueAsString(body));
        if (r.statusCode() != 202) {
            throw new StageFailure("extractor", "run was not accepted (HTTP " + r.statusCode() + "): " + r.body());
        }
        log("run %s submitted: %s", runId, inputs);
        return offset;
    }

    /** The evaluator's report of a finished run. */
    JsonNode report(String runId) throws Exception {
        HttpResponse<String> rep = get(url("evaluator", "/runs/" + runId + "/report"));
        if (rep.statusCode() != 200) {
            throw new StageFailure("evaluator", "report not available (HTTP " + rep.statusCode() + "): " + rep.body());
        }
        return Json.MAPPER.readTree(rep.body());
    }

    /** Sees each event of the followed run. */
    @FunctionalInterface
    interface EventHook {
        void accept(RunEvent e) throws Exception;
    }

    @FunctionalInterface
    interface Step {
        void run() throws Exception;
    }

    private void step(String name, Step s) throws Exception {
        try {
            s.run();
        } catch (StageFailure e) {
            throw e;
        } catch (Exception e) {
            throw new StageFailure(name, e.getMessage() == null ? e.toString() : e.getMessage());
        }
    }

    private void startInfra() throws Exception {
        if (infraEnv != null) {
            return; // given
        }
        Path script = repo.resolve("scripts/local-infra.sh");
        boolean running = new ProcessBuilder("bash", script.toString(), "status").redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.DISCARD).start().waitFor() == 0;
        Process p = new ProcessBuilder("bash", script.toString(), "start").inheritIO().start();
        if (p.waitFor() != 0) {
            throw new IllegalStateException("scripts/local-infra.sh start failed");
        }
        startedInfra = !running;
        Process env = new ProcessBuilder("bash", script.toString(), "env").redirectErrorStream(true).start();
        String text = new String(env.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        env.waitFor();
        infraEnv = new HashMap<>();
        for (String line : text.split("\n")) {
            line = line.strip();
            if (line.startsWith("export ")) {
                line = line.substring(7);
            }
            int eq = line.indexOf('=');
            if (eq > 0) {
                String v = line.substring(eq + 1).strip();
                if (v.length() >= 2 && (v.startsWith("'") || v.startsWith("\""))) {
                    v = v.substring(1, v.length() - 1);
                }
                infraEnv.put(line.substring(0, eq), v);
            }
        }
        if (!infraEnv.containsKey("GENRESTACK_KAFKA_BOOTSTRAP")) {
            throw new IllegalStateException("local-infra.sh env printed no Kafka address: " + text);
        }
    }

    private void synth(Path dir) throws Exception {
        if (Files.exists(dir.resolve("synthetic.json"))) {
            log("synthetic data exists: %s", dir);
            return;
        }
        log("writing %d synthetic tracks to %s", opts.tracks(), dir);
        io.genrestack.cli.synth.SyntheticGenerator.generate(
                io.genrestack.cli.synth.SyntheticGenerator.Options.of(opts.tracks(), opts.seed(), dir, shape));
    }

    void startServices() throws Exception {
        for (String s : SERVICES) {
            startService(s);
        }
        awaitReady(SERVICES, 240);
    }

    /** Starts one service as a child process (its log appended to logs/SERVICE.log). */
    void startService(String s) throws Exception {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Path jar = repo.resolve(s + "-service/target/quarkus-app/quarkus-run.jar");
        if (!Files.exists(jar)) {
            throw new StageFailure(s, jar + " is missing: build first (mvn -DskipTests package)");
        }
        Map<String, String> env = new HashMap<>(System.getenv());
        env.put("KAFKA_BOOTSTRAP_SERVERS", infraEnv.get("GENRESTACK_KAFKA_BOOTSTRAP"));
        env.put("GENRESTACK_S3_ENDPOINT", infraEnv.get("GENRESTACK_S3_ENDPOINT"));
        env.put("GENRESTACK_S3_ACCESS_KEY", infraEnv.get("GENRESTACK_S3_ACCESS_KEY"));
        env.put("GENRESTACK_S3_SECRET_KEY", infraEnv.get("GENRESTACK_S3_SECRET_KEY"));
        env.put("QUARKUS_HTTP_PORT", String.valueOf(port(s)));
        env.put("GENRESTACK_PLATFORM_WORK_DIR", opts.work().resolve("scratch/" + s).toString());
        env.put("DJL_CACHE_DIR", repo.resolve(".cache/djl").toString());
        env.put("DJL_OFFLINE", "true");
        env.put("GENRESTACK_INSTANCE", s + "-local");
        // the trainer and the stacker are the only busy services while they train: give each the machine's
        // cores explicitly (measured on 2 cores: 2 500 tracks end to end in 2.6 min with 2 threads, 3.3 min with 1)
        String cores = String.valueOf(Runtime.getRuntime().availableProcessors());
        env.putIfAbsent("GENRESTACK_TRAINER_THREADS", cores);
        env.putIfAbsent("GENRESTACK_STACKER_THREADS", cores);
        env.putAll(serviceEnv);
        String heap = "-Xmx" + heaps.getOrDefault(s, s.equals("trainer") || s.equals("stacker") ? "2g" : "1g");
        Path logFile = opts.work().resolve("logs/" + s + ".log");
        Files.createDirectories(logFile.getParent());
        ProcessBuilder pb = new ProcessBuilder(java, heap, "-Dai.djl.offline=true", "-jar", jar.toString())
                .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.appendTo(logFile.toFile()));
        pb.environment().clear();
        pb.environment().putAll(env);
        Process p = pb.start();
        byService.put(s, p);
        log("started %s-service (pid %d, port %d, log %s)", s, p.pid(), port(s), logFile);
    }

    /** The running process of a service. */
    Process process(String s) {
        return byService.get(s);
    }

    /** Kills a service with SIGKILL (no shutdown hooks, no graceful close) and waits until it is gone. */
    void kill(String s) throws InterruptedException {
        Process p = byService.remove(s);
        p.destroyForcibly();
        p.waitFor();
        log("killed %s-service (pid %d) with SIGKILL", s, p.pid());
    }

    /** Waits until each service answers {@code /q/health/ready} with 200; fails when one exits or time runs out. */
    void awaitReady(java.util.Collection<String> services, int seconds) throws Exception {
        long deadline = System.currentTimeMillis() + seconds * 1000L;
        Set<String> waiting = new TreeSet<>(services);
        while (!waiting.isEmpty()) {
            checkProcesses();
            for (String s : List.copyOf(waiting)) {
                if (ready(s)) {
                    waiting.remove(s);
                    log("%s-service is ready", s);
                }
            }
            if (System.currentTimeMillis() > deadline) {
                String s = waiting.iterator().next();
                throw new StageFailure(s, s + "-service not ready after " + seconds + " s; see "
                        + opts.work().resolve("logs/" + s + ".log"));
            }
            Thread.sleep(500);
        }
    }

    /** True when the service answers {@code /q/health/ready} with 200 now. */
    boolean ready(String s) throws InterruptedException {
        try {
            return get(url(s, "/q/health/ready")).statusCode() == 200;
        } catch (IOException notYet) {
            return false;
        }
    }

    /** The URL of a service's path on this run's ports. */
    String serviceUrl(String service, String path) {
        return url(service, path);
    }

    private int port(String s) {
        return PORTS.get(s) + opts.portOffset();
    }

    private String url(String service, String path) {
        return "http://127.0.0.1:" + port(service) + path;
    }

    private void checkProcesses() {
        for (var e : byService.entrySet()) {
            Process p = e.getValue();
            if (!p.isAlive()) {
                String s = e.getKey();
                throw new StageFailure(s, s + "-service exited with code " + p.exitValue() + "; see "
                        + opts.work().resolve("logs/" + s + ".log"));
            }
        }
    }

    private long runEventsEnd() {
        try (KafkaConsumer<String, byte[]> c = KafkaClients.reader(infraEnv.get("GENRESTACK_KAFKA_BOOTSTRAP"), "genrestack-run")) {
            TopicPartition tp = new TopicPartition(Topics.RUN_EVENTS, 0);
            return c.endOffsets(List.of(tp)).get(tp);
        }
    }

    /**
     * Follows the run's events until report-ready, handing each to {@code onEvent} (on this thread, so it may kill
     * and restart services); fails on stage-failed, a dead service or the time limit.
     */
    void follow(String runId, long from, EventHook onEvent) throws Exception {
        long deadline = System.currentTimeMillis() + opts.timeoutMinutes() * 60_000L;
        try (KafkaConsumer<String, byte[]> c = KafkaClients.reader(infraEnv.get("GENRESTACK_KAFKA_BOOTSTRAP"), "genrestack-run")) {
            TopicPartition tp = new TopicPartition(Topics.RUN_EVENTS, 0);
            c.assign(List.of(tp));
            c.seek(tp, from);
            String lastStage = "extractor";
            while (true) {
                checkProcesses();
                if (System.currentTimeMillis() > deadline) {
                    throw new StageFailure(lastStage, "run did not finish within " + opts.timeoutMinutes() + " minutes");
                }
                for (var rec : c.poll(Duration.ofMillis(500))) {
                    RunEvent e = Json.read(rec.value(), RunEvent.class);
                    if (!runId.equals(e.runId())) {
                        continue;
                    }
                    lastStage = e.stage();
                    log("%-10s %-9s %-22s %s%s", e.stage(), e.unit(), e.type(), e.message() == null ? "" : e.message(),
                            e.counts().isEmpty() || e.type().equals(RunEvent.PROGRESS) ? "" : " " + e.counts());
                    if (RunEvent.STAGE_FAILED.equals(e.type())) {
                        throw new StageFailure(e.stage(), e.message());
                    }
                    onEvent.accept(e);
                    if (RunEvent.REPORT_READY.equals(e.type())) {
                        return;
                    }
                }
            }
        }
    }

    /** The base-vs-stacked macro ROC-AUC table with the paper's numbers. */
    static String table(JsonNode report) {
        StringBuilder b = new StringBuilder();
        b.append("\nMacro ROC-AUC on the validation split (run ").append(report.path("runId").asText()).append(")\n\n");
        b.append(String.format("%-10s %8s %8s %8s | %12s %12s%n", "source", "base", "stacked", "gain", "paper base",
                "paper stacked"));
        b.append("-".repeat(68)).append('\n');
        JsonNode sources = report.path("sources");
        for (String s : Sources.ALL) {
            JsonNode n = sources.path(s);
            double[] paper = Sources.PAPER_AUC.get(s);
            if (n.isMissingNode()) {
                b.append(String.format("%-10s %8s %8s %8s | %12.4f %12.4f%n", s, "-", "-", "-", paper[0], paper[1]));
                continue;
            }
            double base = n.path("base").path("macroAuc").asDouble(Double.NaN);
            double stacked = n.path("stacked").path("macroAuc").asDouble(Double.NaN);
            b.append(String.format("%-10s %8.4f %8.4f %+8.4f | %12.4f %12.4f%n", s, base, stacked, stacked - base,
                    paper[0], paper[1]));
        }
        return b.toString();
    }

    private HttpResponse<String> get(String url) throws IOException, InterruptedException {
        return http.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(10)).GET().build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private HttpResponse<String> post(String url, String json) throws IOException, InterruptedException {
        return http.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(30))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(json)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    synchronized void stopAll() {
        for (Process p : byService.values()) {
            if (p.isAlive()) {
                p.destroy();
            }
        }
        for (Process p : byService.values()) {
            try {
                if (!p.waitFor(20, java.util.concurrent.TimeUnit.SECONDS)) {
                    p.destroyForcibly();
                }
            } catch (InterruptedException e) {
                p.destroyForcibly();
            }
        }
        if (!byService.isEmpty()) {
            log("stopped %d service(s)", byService.size());
        }
        byService.clear();
        if (startedInfra) {
            try {
                new ProcessBuilder("bash", repo.resolve("scripts/local-infra.sh").toString(), "stop").inheritIO().start()
                        .waitFor();
            } catch (Exception e) {
                System.err.println("could not stop the local infrastructure: " + e);
            }
            startedInfra = false;
        }
    }

    static void log(String fmt, Object... args) {
        System.out.printf("%s  %s%n", java.time.LocalTime.now().withNano(0), String.format(fmt, args));
        System.out.flush();
    }
}
