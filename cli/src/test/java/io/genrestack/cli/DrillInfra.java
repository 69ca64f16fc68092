package io.genrestack.cli;

import io.genrestack.common.io.PathTrees;
import io.genrestack.common.kafka.KafkaClients;
import io.genrestack.testkit.InfraScript;
import io.genrestack.testkit.LocalInfra;

import java.io.IOException;
import java.net.HttpURLConnection;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A Kafka broker and an s3proxy of the drill's own (scripts/local-infra.sh with a private work folder), so that the
 * drill can kill and restart them without touching the servers other tests share. A server is killed with SIGKILL
 * and started again with the command line it ran with (same ports, same data folder).
 */
final class DrillInfra implements AutoCloseable {
    private final Path repo;
    private final Path work;
    private final Map<String, String> scriptEnv = new HashMap<>();
    private final Map<String, String> env;
    private final Map<String, List<String>> commands = new HashMap<>();

    private DrillInfra(Path repo, Path work, String secret) throws Exception {
        this.repo = repo;
        this.work = work;
        scriptEnv.put("GENRESTACK_INFRA_WORK", work.toString());
        String cache = System.getProperty("genrestack.infra.cache");
        if (cache != null && !cache.isBlank()) {
            scriptEnv.put("GENRESTACK_INFRA_CACHE", cache);
        }
        scriptEnv.put("GENRESTACK_S3_SECRET_KEY", secret);
        scriptEnv.put("GENRESTACK_INFRA_LEASE", null);
        scriptEnv.put("GENRESTACK_KAFKA_JAVA_OPTS", "-XX:TieredStopAtLevel=1");
        script(Duration.ofMinutes(10), "start");
        env = LocalInfra.parseEnv(script(Duration.ofSeconds(60), "env"));
    }

    /** Starts fresh servers (the work folder's old data is deleted). */
    static DrillInfra start(Path repo, Path work, String secret) throws Exception {
        if (Files.exists(work)) {
            new InfraScriptCall(repo, work).stop();
            PathTrees.deleteRecursively(work);
        }
        Files.createDirectories(work);
        return new DrillInfra(repo, work, secret);
    }

    Map<String, String> env() {
        return env;
    }

    String bootstrap() {
        return env.get("GENRESTACK_KAFKA_BOOTSTRAP");
    }

    String s3Endpoint() {
        return env.get("GENRESTACK_S3_ENDPOINT");
    }

    /** SIGKILLs the broker. */
    void killKafka() throws Exception {
        kill("kafka");
    }

    /** Starts the broker again and waits until it answers (returns seconds until then). */
    double startKafka() throws Exception {
        long t0 = System.nanoTime();
        relaunch("kafka");
        waitUntil(this::kafkaAnswers, 180, "Kafka did not come back");
        return (System.nanoTime() - t0) / 1e9;
    }

    /** SIGKILLs s3proxy. */
    void killS3() throws Exception {
        kill("s3proxy");
    }

    /** Starts s3proxy again and waits until it answers HTTP (returns seconds until then). */
    double startS3() throws Exception {
        long t0 = System.nanoTime();
        relaunch("s3proxy");
        waitUntil(this::s3Answers, 120, "s3proxy did not come back");
        return (System.nanoTime() - t0) / 1e9;
    }

    boolean kafkaAnswers() {
        return KafkaClients.clusterAnswers(bootstrap(), "drill-probe", 3000);
    }

    boolean s3Answers() {
        try {
            HttpURLConnection c =
                    (HttpURLConnection) URI.create(s3Endpoint()).toURL().openConnection();
            c.setConnectTimeout(2000);
            c.setReadTimeout(2000);
            c.getResponseCode();
            c.disconnect();
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    /** The server logs, for the secret check. */
    List<Path> logs() {
        return List.of(work.resolve("kafka.log"), work.resolve("s3proxy.log"));
    }

    private void kill(String name) throws Exception {
        long pid = pid(name);
        ProcessHandle h = ProcessHandle.of(pid)
                .orElseThrow(() -> new IllegalStateException(name + " pid " + pid + " is not running"));
        commands.put(name, cmdline(pid));
        h.destroyForcibly();
        h.onExit().get(60, TimeUnit.SECONDS);
    }

    private void relaunch(String name) throws Exception {
        List<String> cmd = commands.get(name);
        Path log = work.resolve(name.equals("kafka") ? "kafka.log" : "s3proxy.log");
        Process p = new ProcessBuilder(cmd)
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
                .redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile()))
                .start();
        Files.writeString(pidFile(name), p.pid() + "\n");
    }

    private Path pidFile(String name) {
        return work.resolve(name + ".pid");
    }

    private long pid(String name) throws IOException {
        return Long.parseLong(Files.readString(pidFile(name)).strip());
    }

    private static List<String> cmdline(long pid) throws IOException {
        byte[] raw = Files.readAllBytes(Path.of("/proc/" + pid + "/cmdline"));
        String s = new String(raw, StandardCharsets.UTF_8);
        if (s.endsWith("\0")) {
            s = s.substring(0, s.length() - 1);
        }
        return Arrays.asList(s.split("\0"));
    }

    interface Check {
        boolean ok() throws Exception;
    }

    static void waitUntil(Check check, int seconds, String failure) throws Exception {
        long deadline = System.currentTimeMillis() + seconds * 1000L;
        while (!check.ok()) {
            if (System.currentTimeMillis() > deadline) {
                throw new IllegalStateException(failure + " within " + seconds + " s");
            }
            Thread.sleep(250);
        }
    }

    private String script(Duration timeout, String command) throws Exception {
        InfraScript.Result r = InfraScript.run(repo, scriptEnv, timeout, command);
        if (!r.ok()) {
            throw new IllegalStateException(
                    "local-infra.sh " + command + " failed (" + r.exitCode() + "):\n" + r.output());
        }
        return r.output();
    }

    @Override
    public void close() throws Exception {
        script(Duration.ofMinutes(3), "stop");
    }

    /** Stops servers a previous, aborted drill left in the same work folder. */
    private record InfraScriptCall(Path repo, Path work) {
        void stop() throws Exception {
            Map<String, String> e = new HashMap<>();
            e.put("GENRESTACK_INFRA_WORK", work.toString());
            e.put("GENRESTACK_INFRA_LEASE", null);
            InfraScript.run(repo, e, Duration.ofMinutes(3), "stop");
        }
    }
}
