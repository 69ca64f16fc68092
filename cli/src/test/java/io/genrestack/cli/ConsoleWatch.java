package io.genrestack.cli;

import com.fasterxml.jackson.databind.JsonNode;
import io.genrestack.common.serde.Json;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * The evaluator's live console, opened in headless Chromium (playwright-core, the evaluator's
 * {@code src/test/browser/console-check.mjs}) as soon as a local run's evaluator answers, and sampled until the run's
 * evaluator stage is done: what a user sees who opens the console during a real run.
 */
final class ConsoleWatch implements AutoCloseable {
    private final List<JsonNode> samples = new ArrayList<>();
    private final List<String> output = new ArrayList<>();
    private final Thread thread;
    private volatile Process process;
    private volatile JsonNode fin;
    private volatile Exception failure;

    private ConsoleWatch(Path repo, Path work, int evaluatorPort, String runId, Path screenshot, int seconds) {
        thread = new Thread(() -> {
            try {
                watch(repo, work, evaluatorPort, runId, screenshot, seconds);
            } catch (Exception e) {
                failure = e;
            }
        });
        thread.setDaemon(true);
    }

    /** Starts watching in the background; fails now when Node.js or playwright-core is missing. */
    static ConsoleWatch start(Path repo, Path work, int evaluatorPort, String runId, Path screenshot, int seconds) {
        Path browser = repo.resolve("evaluator-service/src/test/browser");
        if (!Files.isDirectory(browser.resolve("node_modules/playwright-core"))) {
            fail("the console check needs playwright-core in " + browser + " (./scripts/test.sh runs npm ci there)");
        }
        ConsoleWatch w = new ConsoleWatch(repo, work, evaluatorPort, runId, screenshot, seconds);
        w.thread.start();
        return w;
    }

    private void watch(Path repo, Path work, int port, String runId, Path shot, int seconds) throws Exception {
        Path token = work.resolve(Credentials.DIR).resolve(Credentials.TOKEN_FILE);
        HttpClient http =
                HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
        URI ready = URI.create("http://127.0.0.1:" + port + "/q/health/ready");
        long deadline = System.currentTimeMillis() + 600_000;
        while (true) {
            if (Files.exists(token)) {
                try {
                    if (http.send(HttpRequest.newBuilder(ready).GET().build(), HttpResponse.BodyHandlers.discarding())
                                    .statusCode()
                            == 200) {
                        break;
                    }
                } catch (java.io.IOException notYet) {
                    // not listening yet
                }
            }
            if (System.currentTimeMillis() > deadline) {
                throw new IllegalStateException("the evaluator never became ready on port " + port);
            }
            Thread.sleep(300);
        }
        Files.createDirectories(shot.getParent());
        String url = "http://127.0.0.1:" + port + "/console/index.html#run=" + runId;
        Process p = new ProcessBuilder(
                        node().toString(),
                        "console-check.mjs",
                        url,
                        Files.readString(token).trim(),
                        shot.toString(),
                        String.valueOf(seconds))
                .directory(repo.resolve("evaluator-service/src/test/browser").toFile())
                .redirectErrorStream(true)
                .start();
        process = p;
        try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
            for (String line; (line = r.readLine()) != null; ) {
                synchronized (samples) {
                    output.add(line);
                    if (line.startsWith("{")) {
                        JsonNode n = Json.MAPPER.readTree(line);
                        if (n.has("sample")) {
                            samples.add(n.get("sample"));
                        } else if (n.has("final")) {
                            fin = n.get("final");
                        }
                    }
                }
            }
        }
    }

    /** Waits for the check to end; returns its samples in order (the last one taken after the run ended). */
    List<JsonNode> samples(int seconds) throws Exception {
        thread.join(seconds * 1000L);
        if (failure != null) {
            throw failure;
        }
        assertTrue(!thread.isAlive(), "console-check.mjs did not finish: " + tail());
        Process p = process;
        assertTrue(p != null && p.waitFor(10, TimeUnit.SECONDS) && p.exitValue() == 0, "console-check.mjs: " + tail());
        synchronized (samples) {
            return List.copyOf(samples);
        }
    }

    /** The check's last line: {@code {sample, filtered, report, problems}}. */
    JsonNode fin() {
        return fin;
    }

    String tail() {
        synchronized (samples) {
            return String.join("\n", output.subList(Math.max(0, output.size() - 15), output.size()));
        }
    }

    private static Path node() {
        return Stream.of(System.getenv().getOrDefault("PATH", "").split(java.io.File.pathSeparator))
                .map(d -> Path.of(d, "node"))
                .filter(Files::isExecutable)
                .findFirst()
                .orElseThrow(() -> new AssertionError("the console check needs Node.js (node on the PATH)"));
    }

    @Override
    public void close() {
        Process p = process;
        if (p != null && p.isAlive()) {
            p.destroyForcibly();
        }
    }
}
