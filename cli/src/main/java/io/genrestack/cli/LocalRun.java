package io.genrestack.cli;

import com.fasterxml.jackson.databind.JsonNode;
import io.genrestack.cli.synth.Shape;
import io.genrestack.cli.synth.SyntheticGenerator;
import io.genrestack.common.model.RunEvent;
import io.genrestack.common.serde.Json;
import io.genrestack.common.storage.ObjectStore;
import io.genrestack.common.storage.StorageConfig;
import io.genrestack.testkit.LocalInfra;

import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code genrestack run}: the whole pipeline on this machine, no Docker. Starts the local Kafka and S3 servers
 * ({@link RunInfra}), writes synthetic data (or takes {@code --data}/{@code --ground-truth}), starts the five
 * services as processes ({@link ServiceProcesses}), submits the run, follows it on {@code run-events}
 * ({@link RunFollower}), prints the ROC-AUC table next to the paper's ({@link AucTable}), and stops what it started
 * — also on Ctrl-C and on failure, when it exits non-zero naming the failing stage. Before the services start it
 * makes the run's API credential ({@link Credentials}: a key pair and an operator + reader token in
 * {@code <work>/auth/}) and tells the extractor which folders it may read ({@link #inputRoots()}).
 */
public final class LocalRun {
    static final List<String> SERVICES = List.of("extractor", "scaler", "trainer", "stacker", "evaluator");
    /** The services' variable of the JWT public key's location ({@code mp.jwt.verify.publickey.location}). */
    static final String PUBLIC_KEY_ENV = "MP_JWT_VERIFY_PUBLICKEY_LOCATION";
    /** The extractor's variable of the folders a run may read ({@code genrestack.extractor.input-roots}). */
    static final String INPUT_ROOTS_ENV = "GENRESTACK_EXTRACTOR_INPUT_ROOTS";

    /**
     * @param maxEpochs caps the base models' epochs ({@code --max-epochs}; null: the paper's 100)
     * @param stackedMaxEpochs caps the stacked models' epochs ({@code --stacked-max-epochs}; null: 100)
     * @param shape the synthetic data's shape ({@code --shape})
     * @param preset the feature preset of the run ({@code --preset}; null: the extractor's default, {@code paper})
     * @param ablations the run's ablations ({@code --ablations}; empty: none; {@code RunConfig.ablations})
     */
    record Options(
            int tracks,
            long seed,
            List<String> data,
            List<String> groundTruth,
            Integer maxEpochs,
            Integer stackedMaxEpochs,
            Path work,
            int timeoutMinutes,
            boolean keep,
            boolean givenSplit,
            String runId,
            int portOffset,
            Shape shape,
            String preset,
            List<String> ablations) {

        Options {
            ablations = ablations == null ? List.of() : List.copyOf(ablations);
        }

        /** Options with the default feature preset and no ablations. */
        Options(
                int tracks,
                long seed,
                List<String> data,
                List<String> groundTruth,
                Integer maxEpochs,
                Integer stackedMaxEpochs,
                Path work,
                int timeoutMinutes,
                boolean keep,
                boolean givenSplit,
                String runId,
                int portOffset,
                Shape shape) {
            this(
                    tracks,
                    seed,
                    data,
                    groundTruth,
                    maxEpochs,
                    stackedMaxEpochs,
                    work,
                    timeoutMinutes,
                    keep,
                    givenSplit,
                    runId,
                    portOffset,
                    shape,
                    null,
                    List.of());
        }
    }

    /** Sees each event of the followed run. */
    @FunctionalInterface
    interface EventHook {
        void accept(RunEvent e) throws Exception;
    }

    @FunctionalInterface
    private interface Step {
        void run() throws Exception;
    }

    private final Options opts;
    private final Path repo;
    private final ServiceHttp http;
    private final ServiceProcesses services;
    private final List<Path> extraRoots = new ArrayList<>();
    private RunInfra infra;
    private Credentials credentials;

    LocalRun(Options opts, Path repo) {
        this(opts, repo, null);
    }

    /** A run against Kafka and S3 that are already up ({@code GENRESTACK_KAFKA_BOOTSTRAP}, {@code GENRESTACK_S3_*}). */
    LocalRun(Options opts, Path repo, Map<String, String> infraEnv) {
        this.opts = opts;
        this.repo = repo;
        this.http = new ServiceHttp(opts.portOffset());
        this.infra = infraEnv == null ? null : RunInfra.given(repo, infraEnv);
        this.services = new ServiceProcesses(repo, opts.work(), http, () -> infra().env());
    }

    /** Adds an environment variable to every service started from now on. */
    LocalRun env(String name, String value) {
        services.env(name, value);
        return this;
    }

    /** Sets a service's maximum heap ({@code -Xmx} value, e.g. {@code 128m}) for its next start. */
    LocalRun heap(String service, String xmx) {
        services.heap(service, xmx);
        return this;
    }

    /** Lets the extractor read these folders too, besides the run's own data (for services started from now on). */
    LocalRun allowInputs(Path... folders) {
        for (Path f : folders) {
            extraRoots.add(f.toAbsolutePath().normalize());
        }
        return this;
    }

    /**
     * The folders the extractor may read: the synthetic data set, or for {@code --data}/{@code --ground-truth} each
     * given folder (a given file: its folder), and those of {@link #allowInputs}.
     */
    List<Path> inputRoots() {
        List<Path> roots = new ArrayList<>();
        if (opts.data().isEmpty()) {
            roots.add(syntheticDir());
        } else {
            List<String> given = new ArrayList<>(opts.data());
            given.addAll(opts.groundTruth());
            for (String g : given) {
                Path p = Path.of(g).toAbsolutePath().normalize();
                Path root = Files.isDirectory(p) || p.getParent() == null ? p : p.getParent();
                if (!roots.contains(root)) {
                    roots.add(root);
                }
            }
        }
        roots.addAll(extraRoots);
        return roots;
    }

    /** The run's API credential, made at the first service start (null before). */
    Credentials credentials() {
        return credentials;
    }

    /**
     * Makes the credential once per run: the key pair and token in {@code <work>/auth/}, valid for the run's
     * timeout plus an hour; the services get the public key, this run's HTTP calls the token.
     */
    private void ensureCredentials() throws Exception {
        if (credentials != null) {
            return;
        }
        credentials = Credentials.generate(opts.work(), Duration.ofMinutes(opts.timeoutMinutes() + 60L));
        services.env(PUBLIC_KEY_ENV, credentials.publicKey().toString());
        http.authorization(credentials.authorization());
        RunLog.log(
                "API token (roles operator, reader; valid until %s) in %s; e.g. curl -H \"Authorization: Bearer"
                        + " $(cat %s)\" %s (more tokens: genrestack token --key %s)",
                credentials
                        .expires()
                        .atZone(ZoneId.systemDefault())
                        .toLocalDateTime()
                        .withNano(0),
                credentials.tokenFile(),
                credentials.tokenFile(),
                http.url("evaluator", "/runs"),
                credentials.privateKey());
    }

    /** Runs the pipeline with {@code opts} ({@code genrestack run}); the exit code: 0, or 1 naming the stage. */
    static int run(Options opts, Path repo) throws Exception {
        return run(opts, repo, r -> table(r.execute()));
    }

    /** What a command does with its started {@link LocalRun}: the text to print at the end. */
    @FunctionalInterface
    interface Work {
        String apply(LocalRun run) throws Exception;
    }

    /**
     * Does {@code work} on a new run of {@code opts} and prints its text; stops what it started (also on Ctrl-C)
     * unless {@code --keep}. The exit code: 0, or 1 naming the stage.
     */
    static int run(Options opts, Path repo, Work work) throws Exception {
        LocalRun run = new LocalRun(opts, repo);
        Thread hook = new Thread(run::stopAll, "genrestack-run-cleanup");
        Runtime.getRuntime().addShutdownHook(hook);
        try {
            System.out.println(work.apply(run));
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

    /** The repository root (testkit's {@link LocalInfra#repoRoot()}: one rule for tests and the CLI). */
    static Path repoRoot() {
        return LocalInfra.repoRoot();
    }

    /** The input folders and ground truth of a run, as the extractor sees them. */
    record Inputs(List<String> inputs, List<String> groundTruth) {}

    JsonNode execute() throws Exception {
        long t0 = System.nanoTime();
        Inputs in = setUp();
        String runId = opts.runId() != null
                ? opts.runId()
                : "local-" + LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss"));
        long offset = submit(runId, in.inputs(), in.groundTruth());
        follow(runId, offset, e -> {});
        JsonNode report = report(runId);
        RunLog.log(
                "finished in %.1f min; reports: runs/%s/reports/ in bucket genrestack, and %s (send the token in %s)",
                (System.nanoTime() - t0) / 6e10,
                runId,
                http.url("evaluator", "/runs/" + runId + "/report.html"),
                credentials.tokenFile());
        return report;
    }

    /**
     * A study ({@code genrestack study}): sets up like {@link #execute}, posts the study, follows every run and
     * returns the evaluator's study tables (Markdown).
     */
    String executeStudy(String studyId, List<Long> seeds, String vary) throws Exception {
        return executeStudy(studyId, seeds, List.of(), vary);
    }

    /**
     * A study over seeds and/or feature presets ({@code genrestack study --seeds ... --presets ...}; either list may
     * be empty, not both): as {@link #executeStudy(String, List, String)}.
     */
    String executeStudy(String studyId, List<Long> seeds, List<String> presets, String vary) throws Exception {
        long t0 = System.nanoTime();
        Inputs in = setUp();
        StudySubmitted s = submitStudy(studyId, in.inputs(), in.groundTruth(), seeds, presets, vary);
        for (String run : s.runIds()) {
            follow(run, s.offset(), e -> {});
        }
        HttpResponse<String> md = http.get("evaluator", "/studies/" + studyId + "/report.md");
        if (md.statusCode() != 200) {
            throw new StageFailure(
                    "evaluator", "study report not available (HTTP " + md.statusCode() + "): " + md.body());
        }
        RunLog.log(
                "study finished in %.1f min; report: studies/%s/report.json in bucket genrestack, %s and the page %s",
                (System.nanoTime() - t0) / 6e10,
                studyId,
                http.url("evaluator", "/studies/" + studyId),
                http.url("evaluator", "/studies/" + studyId + "/report.html"));
        return md.body();
    }

    /** Infrastructure, the synthetic data (without {@code --data}) and the services: the run's inputs. */
    private Inputs setUp() throws Exception {
        Files.createDirectories(opts.work().resolve("logs"));
        step("infrastructure", () -> {
            if (infra == null) {
                infra = RunInfra.start(repo);
            }
        });
        List<String> inputs;
        List<String> gt;
        if (opts.data().isEmpty()) {
            Path dir = syntheticDir();
            step("synthetic data", () -> synth(dir));
            inputs = List.of(dir.resolve("lowlevel").toString());
            gt = List.of(dir.resolve("groundtruth").toString());
        } else {
            inputs = opts.data().stream()
                    .map(s -> Path.of(s).toAbsolutePath().toString())
                    .toList();
            gt = opts.groundTruth().stream()
                    .map(s -> Path.of(s).toAbsolutePath().toString())
                    .toList();
        }
        services.tracks(opts.data().isEmpty() ? opts.tracks() : HeapPlan.tracksOf(gt));
        step("services", this::startServices);
        return new Inputs(inputs, gt);
    }

    /** The services a prediction run needs: the extractor reads the documents, the stacker predicts. */
    static final List<String> PREDICT_SERVICES = List.of("extractor", "stacker");

    /**
     * {@code genrestack predict}: predicts the unlabelled documents {@code opts.data()} with the models of the
     * finished run {@code modelRun} (same Kafka and S3, i.e. the same work folder's infrastructure), starting only
     * the extractor and the stacker, following the run until {@code predictions-ready}, and copying the submission
     * files and scores into {@code out}. Returns the objects the run announced.
     */
    Map<String, String> predict(String modelRun, Path out) throws Exception {
        long t0 = System.nanoTime();
        Files.createDirectories(opts.work().resolve("logs"));
        step("infrastructure", () -> {
            if (infra == null) {
                infra = RunInfra.start(repo);
            }
        });
        List<String> inputs = opts.data().stream()
                .map(s -> Path.of(s).toAbsolutePath().toString())
                .toList();
        step("services", () -> {
            for (String s : PREDICT_SERVICES) {
                startService(s);
            }
            awaitReady(PREDICT_SERVICES, 240);
        });
        String runId = opts.runId() != null
                ? opts.runId()
                : "predict-" + LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss"));
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("runId", runId);
        body.put("modelRun", modelRun);
        body.put("inputs", inputs);
        long offset = follower().end();
        HttpResponse<String> r = http.post("extractor", "/predictions", Json.MAPPER.writeValueAsString(body));
        if (r.statusCode() != 202) {
            throw new StageFailure(
                    "extractor", "prediction run was not accepted (HTTP " + r.statusCode() + "): " + r.body());
        }
        RunLog.log("prediction run %s submitted: %s with the models of run %s", runId, inputs, modelRun);
        Map<String, String> objects = new LinkedHashMap<>();
        follower()
                .follow(
                        runId,
                        offset,
                        e -> {
                            if (RunEvent.PREDICTIONS_READY.equals(e.type())) {
                                objects.putAll(e.objects());
                            }
                        },
                        RunEvent.PREDICTIONS_READY);
        step("download", () -> download(objects, out));
        RunLog.log(
                "predicted in %.1f min; objects runs/%s/predictions/ in bucket genrestack, copied to %s",
                (System.nanoTime() - t0) / 6e10, runId, out);
        return objects;
    }

    /** Copies the announced objects (submission files, scores, summary) into {@code out}, named as in the bucket. */
    private void download(Map<String, String> objects, Path out) throws Exception {
        Files.createDirectories(out);
        Map<String, String> env = infra().env();
        StorageConfig cfg = StorageConfig.of(
                env.get(LocalInfra.S3_ENDPOINT),
                env.get(LocalInfra.S3_ACCESS_KEY),
                env.get(LocalInfra.S3_SECRET_KEY),
                env.getOrDefault("GENRESTACK_S3_BUCKET", "genrestack"));
        if (env.get(LocalInfra.S3_CA_FILE) != null) {
            cfg = cfg.withCaFile(env.get(LocalInfra.S3_CA_FILE));
        }
        try (ObjectStore store = new ObjectStore(cfg)) {
            for (String key : objects.values()) {
                store.getFile(key, out.resolve(key.substring(key.lastIndexOf('/') + 1)));
            }
        }
    }

    private static void step(String name, Step s) throws Exception {
        try {
            s.run();
        } catch (StageFailure e) {
            throw e;
        } catch (Exception e) {
            throw new StageFailure(name, e.getMessage() == null ? e.toString() : e.getMessage());
        }
    }

    /** The synthetic data set of these options (written when missing): its lowlevel/ and groundtruth/ folders. */
    Path syntheticData() throws Exception {
        Path dir = syntheticDir();
        synth(dir);
        return dir;
    }

    private Path syntheticDir() {
        return opts.work()
                .resolve("data/synthetic-" + opts.tracks() + "-" + opts.seed()
                        + (opts.shape() == Shape.REAL ? "-real" : ""));
    }

    private void synth(Path dir) throws Exception {
        if (Files.exists(dir.resolve("synthetic.json"))) {
            RunLog.log("synthetic data exists: %s", dir);
            return;
        }
        RunLog.log("writing %d synthetic tracks to %s", opts.tracks(), dir);
        SyntheticGenerator.generate(SyntheticGenerator.Options.of(opts.tracks(), opts.seed(), dir, opts.shape()));
    }

    /** Submits a run to the extractor; returns the end of {@code run-events} before it, for {@link #follow}. */
    long submit(String runId, List<String> inputs, List<String> gt) throws Exception {
        Map<String, Object> body = runRequest(inputs, gt);
        body.put("runId", runId);
        long offset = follower().end();
        HttpResponse<String> r = http.post("extractor", "/runs", Json.MAPPER.writeValueAsString(body));
        if (r.statusCode() != 202) {
            throw new StageFailure("extractor", "run was not accepted (HTTP " + r.statusCode() + "): " + r.body());
        }
        RunLog.log("run %s submitted: %s", runId, inputs);
        return offset;
    }

    /** An accepted study: its runs and the end of {@code run-events} before them, for {@link #follow}. */
    record StudySubmitted(long offset, List<String> runIds) {}

    /**
     * Posts a study ({@code POST /studies}: these options' run request plus {@code seeds} and {@code vary}); the
     * split seed of {@code vary=model} is {@code --seed}.
     */
    StudySubmitted submitStudy(String studyId, List<String> inputs, List<String> gt, List<Long> seeds, String vary)
            throws Exception {
        return submitStudy(studyId, inputs, gt, seeds, List.of(), vary);
    }

    /**
     * Posts a study over {@code seeds} (with {@code vary}) and/or {@code presets} (either may be empty): one run per
     * preset and seed; without seeds every run has {@code --seed}.
     */
    StudySubmitted submitStudy(
            String studyId, List<String> inputs, List<String> gt, List<Long> seeds, List<String> presets, String vary)
            throws Exception {
        Map<String, Object> body = runRequest(inputs, gt);
        if ("both".equals(vary) && !seeds.isEmpty()) {
            body.remove("seed");
        }
        body.put("studyId", studyId);
        if (!seeds.isEmpty()) {
            body.put("seeds", seeds);
            body.put("vary", vary);
        }
        if (!presets.isEmpty()) {
            body.remove("preset");
            body.put("presets", presets);
        }
        long offset = follower().end();
        HttpResponse<String> r = http.post("extractor", "/studies", Json.MAPPER.writeValueAsString(body));
        if (r.statusCode() != 202) {
            throw new StageFailure("extractor", "study was not accepted (HTTP " + r.statusCode() + "): " + r.body());
        }
        List<String> runs = new ArrayList<>();
        Json.MAPPER.readTree(r.body()).path("runIds").forEach(n -> runs.add(n.asText()));
        RunLog.log(
                "study %s submitted (presets %s, seeds %s, vary %s): runs %s",
                studyId,
                presets.isEmpty() ? "-" : presets,
                seeds.isEmpty() ? "-" : seeds,
                seeds.isEmpty() ? "-" : vary,
                runs);
        return new StudySubmitted(offset, runs);
    }

    /** The fields of these options' run request (without the run id). */
    private Map<String, Object> runRequest(List<String> inputs, List<String> gt) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("inputs", inputs);
        body.put("groundTruth", gt);
        body.put("seed", opts.seed());
        body.put("givenSplit", opts.givenSplit());
        body.put("synthetic", opts.data().isEmpty()); // generated by this command: not comparable to the paper
        if (opts.preset() != null) {
            body.put("preset", opts.preset());
        }
        if (opts.maxEpochs() != null) {
            body.put("maxEpochs", opts.maxEpochs());
        }
        if (opts.stackedMaxEpochs() != null) {
            body.put("stackedMaxEpochs", opts.stackedMaxEpochs());
        }
        if (!opts.ablations().isEmpty()) {
            body.put("ablations", opts.ablations());
        }
        return body;
    }

    /** A JSON answer of the evaluator: its status and body. */
    HttpResponse<String> evaluatorGet(String path) throws Exception {
        return http.get("evaluator", path);
    }

    /** Follows the run's events until report-ready (see {@link RunFollower#follow}). */
    void follow(String runId, long from, EventHook onEvent) throws Exception {
        follower().follow(runId, from, onEvent);
    }

    /** The evaluator's report of a finished run. */
    JsonNode report(String runId) throws Exception {
        HttpResponse<String> rep = http.get("evaluator", "/runs/" + runId + "/report");
        if (rep.statusCode() != 200) {
            throw new StageFailure("evaluator", "report not available (HTTP " + rep.statusCode() + "): " + rep.body());
        }
        return Json.MAPPER.readTree(rep.body());
    }

    private RunFollower follower() {
        return new RunFollower(infra().kafkaBootstrap(), services, opts.timeoutMinutes());
    }

    private RunInfra infra() {
        if (infra == null) {
            throw new IllegalStateException("the infrastructure is not started yet");
        }
        return infra;
    }

    void startServices() throws Exception {
        for (String s : SERVICES) {
            startService(s);
        }
        awaitReady(SERVICES, 240);
    }

    /** Starts one service as a child process (its log appended to logs/SERVICE.log). */
    void startService(String s) throws Exception {
        ensureCredentials();
        services.env(
                INPUT_ROOTS_ENV,
                String.join(",", inputRoots().stream().map(Path::toString).toList()));
        services.start(s);
    }

    /** The running process of a service. */
    Process process(String s) {
        return services.process(s);
    }

    /** Kills a service with SIGKILL (no shutdown hooks, no graceful close) and waits until it is gone. */
    void kill(String s) throws InterruptedException {
        services.kill(s);
    }

    /** Waits until each service answers {@code /q/health/ready} with 200; fails when one exits or time runs out. */
    void awaitReady(Collection<String> names, int seconds) throws Exception {
        services.awaitReady(names, seconds);
    }

    /** True when the service answers {@code /q/health/ready} with 200 now. */
    boolean ready(String s) throws InterruptedException {
        return http.ready(s);
    }

    /** The URL of a service's path on this run's ports. */
    String serviceUrl(String service, String path) {
        return http.url(service, path);
    }

    /** The base-vs-stacked macro ROC-AUC table with the paper's numbers. */
    static String table(JsonNode report) {
        return AucTable.table(report);
    }

    /** Stops the services, and the infrastructure when this run started it. */
    synchronized void stopAll() {
        services.stopAll();
        if (infra != null) {
            infra.stop();
        }
    }
}
