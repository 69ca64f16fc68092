package io.genrestack.evaluator;

import com.fasterxml.jackson.databind.JsonNode;
import io.genrestack.common.Roles;
import io.genrestack.common.Sources;
import io.genrestack.common.Topics;
import io.genrestack.common.kafka.TopicScan;
import io.genrestack.common.model.DeadLetter;
import io.genrestack.common.model.RunEvent;
import io.genrestack.common.serde.Json;
import io.genrestack.common.storage.RunPaths;
import io.genrestack.platform.Infrastructure;
import io.genrestack.testkit.InfraTestResource;
import io.genrestack.testkit.TestTokens;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.URL;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * The live console against the real broker and object storage.
 * <ul>
 * <li>{@code GET /runs/{id}/events} (SSE, read with the JDK's HTTP client): the history of a run, then exactly the
 * events published after the stream opened, each once, in order, none of another run; roles and errors.</li>
 * <li>The page {@code /console/} in headless Chromium (npm {@code playwright-core} with Debian's {@code chromium},
 * {@code src/test/browser/console-check.mjs}), opened in the middle of a run: the upstream stages' events go out
 * through the platform's own publisher ({@code Infrastructure.events()}, as the stages send them: progress with
 * totals, epochs with typed metrics, a resumption, dead letters), the evaluator stage then runs for real on real
 * predictions (the job of {@link EvaluatorStageTest}) and publishes its own events. The page must show the stages
 * advancing, the epoch charts growing point by point, the dead letters (filterable) and the report link. A screenshot
 * is kept as {@code target/console-<run>.png}.</li>
 * </ul>
 */
@QuarkusTest
@QuarkusTestResource(InfraTestResource.class)
class ConsoleTest {
    static final Path BROWSER = Path.of("src/test/browser");
    static final List<String> TRAINED = Sources.ALL;
    static final int TRAINER_EPOCHS = 6;
    static final int STACKER_EPOCHS = 4;

    @Inject
    Infrastructure infra;

    @TestHTTPResource("/")
    URL base;

    private final HttpClient http = HttpClient.newHttpClient();

    /** The SSE stream as (name, data) pairs, read on a thread of its own. */
    static final class SseReader implements AutoCloseable {
        final BlockingQueue<String[]> events = new LinkedBlockingQueue<>();
        final HttpResponse<java.io.InputStream> response;
        final Thread thread;

        SseReader(HttpResponse<java.io.InputStream> response) {
            this.response = response;
            this.thread = new Thread(this::read, "sse-reader");
            thread.setDaemon(true);
            thread.start();
        }

        private void read() {
            try (BufferedReader r =
                    new BufferedReader(new InputStreamReader(response.body(), StandardCharsets.UTF_8))) {
                String name = "message";
                StringBuilder data = new StringBuilder();
                for (String line; (line = r.readLine()) != null; ) {
                    if (line.isEmpty()) {
                        if (data.length() > 0) {
                            events.add(new String[] {name, data.toString()});
                        }
                        name = "message";
                        data.setLength(0);
                    } else if (line.startsWith("event:")) {
                        name = line.substring(6).strip();
                    } else if (line.startsWith("data:")) {
                        if (data.length() > 0) {
                            data.append('\n');
                        }
                        data.append(line.substring(5).startsWith(" ") ? line.substring(6) : line.substring(5));
                    }
                }
            } catch (Exception e) {
                // closed by the test
            }
        }

        String[] next(int seconds) throws InterruptedException {
            String[] e = events.poll(seconds, TimeUnit.SECONDS);
            assertNotNull(e, "no SSE event within " + seconds + " s");
            return e;
        }

        @Override
        public void close() throws Exception {
            response.body().close();
            thread.interrupt();
        }
    }

    SseReader open(String runId, String bearer) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(base.toURI().resolve("/runs/" + runId + "/events"))
                .header("Accept", "text/event-stream");
        if (bearer != null) {
            b.header("Authorization", "Bearer " + bearer);
        }
        HttpResponse<java.io.InputStream> res = http.send(b.build(), HttpResponse.BodyHandlers.ofInputStream());
        assertEquals(200, res.statusCode(), "GET /runs/" + runId + "/events");
        assertTrue(res.headers().firstValue("content-type").orElse("").startsWith("text/event-stream"));
        return new SseReader(res);
    }

    int status(String path, String bearer) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(base.toURI().resolve(path));
        if (bearer != null) {
            b.header("Authorization", "Bearer " + bearer);
        }
        HttpResponse<String> res = http.send(b.build(), HttpResponse.BodyHandlers.ofString());
        res.body();
        return res.statusCode();
    }

    void awaitInfra() throws InterruptedException {
        long deadline = System.currentTimeMillis() + 120_000;
        while (!infra.initialised() && System.currentTimeMillis() < deadline) {
            Thread.sleep(200);
        }
        assertTrue(infra.initialised(), "infrastructure not ready: " + infra.initError());
    }

    RunEvent event(String runId, String type, String stage, String unit, String message, Map<String, Long> counts) {
        RunEvent e = RunEvent.of(runId, type, stage, unit, message, counts, null);
        infra.events().publish(e);
        return e;
    }

    @Test
    void streamSendsTheHistoryThenExactlyTheLiveEventsOfTheRun() throws Exception {
        awaitInfra();
        String runId = "console-sse-" + UUID.randomUUID().toString().substring(0, 8);
        String other = runId + "-other";
        String reader = TestTokens.token(Roles.READER);
        assertEquals(401, status("/runs/" + runId + "/events", null));
        assertEquals(403, status("/runs/" + runId + "/events", TestTokens.token(Roles.OPERATOR)));
        assertEquals(400, status("/runs/Not_A_Run/events", reader));
        assertEquals(200, status("/console/", null), "the page itself is public");
        assertEquals(200, status("/console/console.js", null));

        List<RunEvent> sent = new ArrayList<>();
        for (int i = 1; i <= 3; i++) {
            sent.add(event(runId, RunEvent.PROGRESS, "extractor", "all", "history " + i, Map.of("items", (long) i)));
            event(other, RunEvent.PROGRESS, "extractor", "all", "other " + i, null);
        }
        DeadLetter letter = DeadLetter.of(runId, "extractor", "bad-1", "in/bad-1.json", "unparsable JSON", null);
        infra.events().deadLetter(letter);
        infra.events().deadLetter(DeadLetter.of(other, "extractor", "bad-2", "in/bad-2.json", "not ours", null));
        try (SseReader sse = open(runId, reader)) {
            List<String[]> history = new ArrayList<>();
            String[] e;
            while (!(e = sse.next(60))[0].equals("replayed")) {
                history.add(e);
            }
            JsonNode replayed = Json.MAPPER.readTree(e[1]);
            assertEquals(3, replayed.get("runEvents").asInt(), e[1]);
            assertEquals(1, replayed.get("deadLetters").asInt(), e[1]);
            List<String> historyMessages = history.stream()
                    .filter(x -> x[0].equals("run-event"))
                    .map(x -> Json.read(x[1].getBytes(StandardCharsets.UTF_8), RunEvent.class)
                            .message())
                    .toList();
            assertEquals(List.of("history 1", "history 2", "history 3"), historyMessages);
            List<String[]> letters =
                    history.stream().filter(x -> x[0].equals("dead-letter")).toList();
            assertEquals(1, letters.size());
            assertEquals(letter, Json.read(letters.get(0)[1].getBytes(StandardCharsets.UTF_8), DeadLetter.class));

            for (int i = 1; i <= 3; i++) {
                event(other, RunEvent.PROGRESS, "extractor", "all", "other live " + i, null);
                sent.add(event(runId, RunEvent.PROGRESS, "extractor", "all", "live " + i, Map.of("items", 3L + i)));
            }
            RunEvent epoch = RunEvent.epoch(runId, "trainer", "lastfm", 1, 40, 0.6931, 0.6811, 0.7125, "epoch 1");
            infra.events().publish(epoch);
            List<RunEvent> live = new ArrayList<>();
            while (live.size() < 4) {
                String[] x = sse.next(60);
                assertEquals("run-event", x[0], x[1]);
                live.add(Json.read(x[1].getBytes(StandardCharsets.UTF_8), RunEvent.class));
            }
            assertEquals(
                    List.of("live 1", "live 2", "live 3", "epoch 1"),
                    live.stream().map(RunEvent::message).toList());
            assertEquals(epoch, live.get(3), "the epoch's typed metrics arrive as published");
            assertEquals(0.7125, live.get(3).metrics().get(RunEvent.VAL_MACRO_AUC), 0);
            Thread.sleep(1500);
            assertTrue(sse.events.isEmpty(), "nothing else, nothing twice: " + sse.events.size() + " more");
        }
    }

    @Test
    void consoleOpenedDuringARunShowsItAdvancingInChromium() throws Exception {
        Path node = nodeAndPlaywright();
        awaitInfra();
        String runId = "console-" + UUID.randomUUID().toString().substring(0, 8);
        String reader = TestTokens.token(Roles.READER);
        Map<String, String> labels = new TreeMap<>();
        for (String s : Sources.ALL) {
            labels.put("labels." + s, RunPaths.labels(runId, s));
        }
        // before the page opens: the run has started, the extractor is half-way, two files were dead-lettered
        event(runId, RunEvent.RUN_STARTED, "extractor", "all", "run started", null);
        event(runId, RunEvent.STAGE_STARTED, "extractor", "all", "extracting 40 files", null);
        infra.events()
                .deadLetter(DeadLetter.of(
                        runId, "extractor", "f-07", "in/f-07.json", "unparsable JSON: Unexpected end", null));
        infra.events()
                .deadLetter(DeadLetter.of(
                        runId, "extractor", "f-11", "in/f-11.json", "lowlevel.mfcc.mean.3: expected a number", null));
        event(
                runId,
                RunEvent.PROGRESS,
                "extractor",
                "all",
                "extract: 20 / 40",
                Map.of("items", 20L, "published", 18L, "deadLetters", 2L, "total", 40L));

        Path shot = Path.of("target", "console-" + runId + ".png").toAbsolutePath();
        Files.createDirectories(shot.getParent());
        String url = base.toURI().resolve("/console/index.html#run=" + runId).toString();
        Process proc = new ProcessBuilder(
                        node.toString(), "console-check.mjs", url, reader, shot.toString(), "150", "unparsable")
                .directory(BROWSER.toFile())
                .redirectErrorStream(true)
                .start();
        List<JsonNode> samples = new ArrayList<>();
        List<String> output = new ArrayList<>();
        JsonNode[] fin = {null};
        AtomicInteger liveSamples = new AtomicInteger();
        Thread lines = new Thread(() -> {
            try (BufferedReader r =
                    new BufferedReader(new InputStreamReader(proc.getInputStream(), StandardCharsets.UTF_8))) {
                for (String line; (line = r.readLine()) != null; ) {
                    synchronized (samples) {
                        output.add(line);
                        if (line.startsWith("{")) {
                            JsonNode n = Json.MAPPER.readTree(line);
                            if (n.has("sample")) {
                                samples.add(n.get("sample"));
                                if (n.get("sample").path("replayed").asBoolean()) {
                                    liveSamples.incrementAndGet();
                                }
                            } else if (n.has("final")) {
                                fin[0] = n.get("final");
                            }
                        }
                    }
                }
            } catch (Exception e) {
                // the process ended
            }
        });
        lines.setDaemon(true);
        lines.start();
        long wait = System.currentTimeMillis() + 90_000;
        while (liveSamples.get() < 2 && proc.isAlive() && System.currentTimeMillis() < wait) {
            Thread.sleep(200);
        }
        assertTrue(liveSamples.get() >= 2, "the page never showed the replayed history: " + output);

        // the rest of the run, live
        RunEvent extracted = RunEvent.of(
                runId,
                RunEvent.EXTRACTION_FINISHED,
                "extractor",
                "all",
                "published 38 tracks, 2 dead letters",
                Map.of("published", 38L, "deadLetters", 2L),
                labels);
        infra.events().publish(extracted);
        event(runId, RunEvent.STAGE_STARTED, "scaler", "all", "scaling 38 records", null);
        Thread.sleep(700);
        event(runId, RunEvent.STATS_READY, "scaler", "all", "statistics of 30 train tracks", null);
        infra.events()
                .deadLetter(DeadLetter.of(
                        runId, "scaler", "f-21", "in/f-21.json", "unparsable vector: NaN in column 4", null));
        Thread.sleep(700);
        event(runId, RunEvent.SCALING_FINISHED, "scaler", "all", "scaled 38", Map.of("scaled", 38L));
        for (String s : TRAINED) {
            event(runId, RunEvent.STAGE_STARTED, "trainer", s, "training " + s, null);
        }
        epochs("trainer", runId, TRAINER_EPOCHS, true);
        for (String s : TRAINED) {
            event(runId, RunEvent.BASE_MODEL_FINISHED, "trainer", s, "base model of " + s, null);
            event(runId, RunEvent.ACTIVATIONS_FINISHED, "trainer", s, "activations of " + s, null);
            event(runId, RunEvent.STAGE_STARTED, "stacker", s, "stacking " + s, null);
        }
        epochs("stacker", runId, STACKER_EPOCHS, false);
        for (String s : TRAINED) {
            event(runId, RunEvent.STACKED_MODEL_FINISHED, "stacker", s, "stacked model of " + s, null);
        }
        event(runId, RunEvent.PREDICTIONS_FINISHED, "stacker", "all", "predictions", null);
        // the evaluator stage, for real: real predictions, the real job, its own events
        EvaluatorStageTest evaluator = new EvaluatorStageTest();
        evaluator.infra = infra;
        EvaluatorStageTest.Published p = evaluator.publish(runId, 11);
        evaluator.submit(p, p.range());

        assertTrue(proc.waitFor(240, TimeUnit.SECONDS), "console-check.mjs did not finish: " + tail(output));
        lines.join(5000);
        assertEquals(0, proc.exitValue(), "console-check.mjs: " + tail(output));
        assertNotNull(fin[0], "no final line: " + tail(output));
        assertTrue(Files.size(shot) > 10_000, "screenshot " + shot);

        JsonNode last = fin[0].get("sample");
        List<RunEvent> all = TopicScan.runEvents(infra.bootstrap(), runId);
        long epochEvents = all.stream()
                .filter(e -> e.type().equals(RunEvent.EPOCH_FINISHED))
                .count();
        assertEquals(all.size(), last.get("events").asInt(), "every event of the run shown once: " + last);
        for (String stage : Topics.STAGES) {
            assertEquals("done", last.at("/states/" + stage).asText(), stage + " in " + last);
        }
        // one resumption (trainer/lastfm restarted at epoch 3) dropped two plotted epochs of that source
        int expectedPoints = (int) epochEvents - 2;
        assertEquals(expectedPoints, last.get("aucPoints").asInt(), "AUC points = epochs (resumption trimmed)");
        assertEquals(2 * expectedPoints, last.get("lossPoints").asInt(), "train and validation loss per epoch");
        assertTrue(last.get("incidents").toString().contains("resumed"), "the resumption: " + last);
        assertEquals(3, last.get("deadLetters").asInt(), "dead letters shown: " + last);
        assertEquals(2, fin[0].get("filtered").size(), "filtered 'unparsable': " + fin[0].get("filtered"));
        assertTrue(fin[0].get("filtered").toString().contains("in/f-07.json"), fin[0].toString());
        assertEquals(200, fin[0].at("/report/status").asInt(), "report link: " + fin[0]);
        assertTrue(fin[0].at("/report/html").asBoolean(), fin[0].toString());
        assertEquals(0, fin[0].get("problems").size(), "page errors or external requests: " + fin[0]);
        assertTrue(last.get("runs").toString().contains(runId), "the run in the list: " + last);
        // the chart's last series is trainer/tagtraum (sorted by stage/unit); its last point is the published number
        String lastAuc = String.format(
                java.util.Locale.ROOT,
                "trainer/tagtraum epoch %d: %.4f",
                TRAINER_EPOCHS,
                auc("tagtraum", TRAINER_EPOCHS));
        assertEquals(lastAuc, last.get("lastAuc").asText(), "the last plotted AUC");

        // while the run went on, the page advanced: stage states changed and the epoch charts grew point by point
        List<JsonNode> live =
                samples.stream().filter(s -> s.path("replayed").asBoolean()).toList();
        JsonNode first = live.get(0);
        assertEquals("running", first.at("/states/extractor").asText(), "opened mid-extraction: " + first);
        assertEquals("pending", first.at("/states/trainer").asText(), first.toString());
        assertEquals(0, first.get("aucPoints").asInt(), first.toString());
        assertTrue(first.get("bars").toString().contains("20 / 40"), "extraction bar: " + first.get("bars"));
        assertEquals(2, first.get("deadLetters").asInt(), "the history's dead letters: " + first);
        Map<String, List<String>> sequences = new LinkedHashMap<>();
        List<Integer> points = new ArrayList<>();
        for (JsonNode s : live) {
            for (String stage : Topics.STAGES) {
                List<String> seq = sequences.computeIfAbsent(stage, k -> new ArrayList<>());
                String state = s.at("/states/" + stage).asText();
                if (seq.isEmpty() || !seq.get(seq.size() - 1).equals(state)) {
                    seq.add(state);
                }
            }
            int n = s.get("aucPoints").asInt();
            if (points.isEmpty() || points.get(points.size() - 1) != n) {
                points.add(n);
            }
        }
        for (String stage : List.of("trainer", "stacker", "evaluator")) {
            assertEquals(List.of("pending", "running", "done"), sequences.get(stage), stage + ": " + sequences);
        }
        assertEquals(List.of("running", "done"), sequences.get("extractor"), sequences.toString());
        assertTrue(points.size() >= 4, "the epoch chart grew in steps while the run went on: " + points);
        assertTrue(
                live.stream().anyMatch(s -> s.get("bars").toString().contains("at most")),
                "an epoch bar with the time left");
        System.out.println("console: states " + sequences + ", AUC points " + points + ", screenshot " + shot);
    }

    /**
     * Epoch events of every trained source, round by round, as the trainer / stacker publish them (typed metrics);
     * in the trainer, lastfm's job restarts after epoch 4 on another instance and resumes at epoch 3.
     */
    void epochs(String stage, String runId, int epochs, boolean resume) throws Exception {
        for (int e = 1; e <= epochs; e++) {
            for (String s : TRAINED) {
                publishEpoch(stage, runId, s, e, epochs);
            }
            if (resume && e == 4) {
                infra.events()
                        .publish(new RunEvent(
                                runId,
                                RunEvent.STAGE_STARTED,
                                stage,
                                "lastfm",
                                "trainer-2",
                                Instant.now(),
                                null,
                                null,
                                "resuming after committed progress (checkpoint of epoch 2)"));
                publishEpoch(stage, runId, "lastfm", 3, epochs);
                publishEpoch(stage, runId, "lastfm", 4, epochs);
            }
            Thread.sleep(800);
        }
    }

    void publishEpoch(String stage, String runId, String source, int e, int epochs) {
        double k = Sources.index(source) + 1;
        double train = (stage.equals("stacker") ? 0.4 : 0.7) / (1 + 0.25 * e * k);
        double val = train * 1.1 + 0.01 * k;
        infra.events()
                .publish(RunEvent.epoch(
                        runId,
                        stage,
                        source,
                        e,
                        epochs,
                        train,
                        val,
                        auc(source, e) + (stage.equals("stacker") ? 0.05 : 0),
                        "epoch " + e));
    }

    static double auc(String source, int e) {
        return 0.5 + 0.4 * (1 - Math.exp(-0.3 * e * (Sources.index(source) + 1)));
    }

    static String tail(List<String> output) {
        synchronized (output) {
            return String.join("\n", output.subList(Math.max(0, output.size() - 15), output.size()));
        }
    }

    /** node on the PATH and playwright-core installed in src/test/browser (scripts/test.sh runs npm ci there). */
    static Path nodeAndPlaywright() throws Exception {
        Path node = Stream.of(System.getenv().getOrDefault("PATH", "").split(java.io.File.pathSeparator))
                .map(d -> Path.of(d, "node"))
                .filter(Files::isExecutable)
                .findFirst()
                .orElse(null);
        if (node == null) {
            fail("the console's browser test needs Node.js (node on the PATH; Debian package nodejs)");
        }
        if (!Files.isDirectory(BROWSER.resolve("node_modules/playwright-core"))) {
            fail("the console's browser test needs playwright-core: run `npm ci` in evaluator-service/src/test/browser"
                    + " (scripts/test.sh does it)");
        }
        if (!Files.isExecutable(Path.of("/usr/bin/chromium"))) {
            fail("the console's browser test needs headless Chromium: apt-get install -y chromium");
        }
        return node;
    }
}
