package io.genrestack.cli;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

import static io.genrestack.cli.RunLog.log;

/**
 * The five services of a local run as child processes of this JVM: started from their Quarkus jars with the run's
 * infrastructure addresses, ports and work folders, their output appended to {@code logs/SERVICE.log}; watched,
 * killed and stopped by name.
 */
final class ServiceProcesses {
    /** Environment variable with extra JVM options for every service ({@code {service}} = the service's name). */
    static final String JAVA_OPTS = "GENRESTACK_SERVICE_JAVA_OPTS";

    private final Path repo;
    private final Path work;
    private final ServiceHttp http;
    private final Supplier<Map<String, String>> infra;
    /** The running process of each started service, in start order. */
    private final Map<String, Process> byService = new LinkedHashMap<>();

    private final Map<String, String> serviceEnv = new HashMap<>();
    private final Map<String, String> heaps = new HashMap<>();
    private long tracks = 20_000;

    /** {@code infra}: the {@code GENRESTACK_KAFKA_BOOTSTRAP} and {@code GENRESTACK_S3_*} variables, asked per start. */
    ServiceProcesses(Path repo, Path work, ServiceHttp http, Supplier<Map<String, String>> infra) {
        this.repo = repo;
        this.work = work;
        this.http = http;
        this.infra = infra;
    }

    /** Adds an environment variable to every service started from now on. */
    void env(String name, String value) {
        serviceEnv.put(name, value);
    }

    /** Sets a service's maximum heap ({@code -Xmx} value, e.g. {@code 128m}) for its next start. */
    void heap(String service, String xmx) {
        heaps.put(service, xmx);
    }

    /** The run's size, from which each service's default heap is planned ({@link HeapPlan}). */
    void tracks(long tracks) {
        this.tracks = tracks;
    }

    Path logFile(String s) {
        return work.resolve("logs/" + s + ".log");
    }

    /**
     * Starts one service as a child process (its log appended to logs/SERVICE.log). {@code s} may name a replica,
     * {@code <service>-<n>} with n in 2..9: the same jar with its own port ({@link ServiceHttp#port}), work folder,
     * log and instance id, in the same consumer groups.
     */
    void start(String s) throws Exception {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        String service = ServiceHttp.service(s);
        Path jar = repo.resolve(service + "-service/target/quarkus-app/quarkus-run.jar");
        if (!Files.exists(jar)) {
            throw new StageFailure(s, jar + " is missing: build first (mvn -DskipTests package)");
        }
        Map<String, String> infraEnv = infra.get();
        Map<String, String> env = new HashMap<>(System.getenv());
        env.put("KAFKA_BOOTSTRAP_SERVERS", infraEnv.get("GENRESTACK_KAFKA_BOOTSTRAP"));
        env.put("GENRESTACK_S3_ENDPOINT", infraEnv.get("GENRESTACK_S3_ENDPOINT"));
        env.put("GENRESTACK_S3_ACCESS_KEY", infraEnv.get("GENRESTACK_S3_ACCESS_KEY"));
        env.put("GENRESTACK_S3_SECRET_KEY", infraEnv.get("GENRESTACK_S3_SECRET_KEY"));
        // TLS/SASL settings come from the infrastructure only (a secure pair's env), never from this JVM's own
        env.keySet().removeIf(ServiceProcesses::isTransportSetting);
        infraEnv.forEach((k, v) -> {
            if (isTransportSetting(k)) {
                env.put(k, v);
            }
        });
        env.put("QUARKUS_HTTP_PORT", String.valueOf(http.port(s)));
        env.put("GENRESTACK_PLATFORM_WORK_DIR", work.resolve("scratch/" + s).toString());
        env.put("DJL_CACHE_DIR", repo.resolve(".cache/djl").toString());
        env.put("DJL_OFFLINE", "true");
        env.put("GENRESTACK_INSTANCE", s + "-local");
        // the trainer and the stacker are the only busy services while they train: give each the machine's
        // cores explicitly (measured on 2 cores: 2 500 tracks end to end in 2.6 min with 2 threads, 3.3 min with 1)
        String cores = String.valueOf(Runtime.getRuntime().availableProcessors());
        env.putIfAbsent("GENRESTACK_TRAINER_THREADS", cores);
        env.putIfAbsent("GENRESTACK_STACKER_THREADS", cores);
        env.putAll(serviceEnv);
        String heap = "-Xmx" + heaps.getOrDefault(service, HeapPlan.xmx(service, tracks));
        Path logFile = logFile(s);
        Files.createDirectories(logFile.getParent());
        List<String> command = new ArrayList<>(List.of(java, heap, "-Dai.djl.offline=true"));
        // extra JVM options for every service, {service} replaced by its name (bench/scale: a GC log per service)
        String extra = env.getOrDefault(JAVA_OPTS, "").replace("{service}", s).trim();
        if (!extra.isEmpty()) {
            command.addAll(List.of(extra.split("\\s+")));
        }
        command.addAll(List.of("-jar", jar.toString()));
        ProcessBuilder pb = new ProcessBuilder(command)
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(logFile.toFile()));
        pb.environment().clear();
        pb.environment().putAll(env);
        Process p = pb.start();
        byService.put(s, p);
        log("started %s-service (pid %d, port %d, %s, log %s)", s, p.pid(), http.port(s), heap, logFile);
    }

    /** A Kafka TLS/SASL or S3 CA variable ({@code KAFKA_SSL_*}, {@code GENRESTACK_KAFKA_PASSWORD}, ...). */
    static boolean isTransportSetting(String name) {
        return name.startsWith("KAFKA_SECURITY_")
                || name.startsWith("KAFKA_SASL_")
                || name.startsWith("KAFKA_SSL_")
                || name.equals("GENRESTACK_KAFKA_USERNAME")
                || name.equals("GENRESTACK_KAFKA_PASSWORD")
                || name.equals("GENRESTACK_S3_CA_FILE");
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
    void awaitReady(Collection<String> services, int seconds) throws Exception {
        long deadline = System.currentTimeMillis() + seconds * 1000L;
        Set<String> waiting = new TreeSet<>(services);
        while (!waiting.isEmpty()) {
            checkAlive();
            for (String s : List.copyOf(waiting)) {
                if (http.ready(s)) {
                    waiting.remove(s);
                    log("%s-service is ready", s);
                }
            }
            if (System.currentTimeMillis() > deadline) {
                String s = waiting.iterator().next();
                throw new StageFailure(s, s + "-service not ready after " + seconds + " s; see " + logFile(s));
            }
            Thread.sleep(500);
        }
    }

    /** Fails naming the first started service that has exited. */
    void checkAlive() {
        for (var e : byService.entrySet()) {
            Process p = e.getValue();
            if (!p.isAlive()) {
                String s = e.getKey();
                throw new StageFailure(s, s + "-service exited with code " + p.exitValue() + "; see " + logFile(s));
            }
        }
    }

    /** Stops every started service (SIGTERM, then SIGKILL after 20 s). */
    synchronized void stopAll() {
        for (Process p : byService.values()) {
            if (p.isAlive()) {
                p.destroy();
            }
        }
        for (Process p : byService.values()) {
            try {
                if (!p.waitFor(20, TimeUnit.SECONDS)) {
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
    }
}
