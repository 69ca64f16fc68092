package io.genrestack.testkit;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Real Kafka and S3 (s3proxy) on 127.0.0.1 for tests, started once per JVM through
 * {@code scripts/local-infra.sh}.
 *
 * <p>{@link #ensureStarted()} first looks for {@code GENRESTACK_KAFKA_BOOTSTRAP} and
 * {@code GENRESTACK_S3_ENDPOINT} (system property, then environment variable); when both are set
 * they are used as they are and nothing is started. Otherwise it runs the script's {@code start}
 * under a lease named after this JVM's pid, reads the addresses from the script's {@code env}
 * output, and registers a shutdown hook that runs {@code release <pid>}. The script stops the
 * servers at the last release only if they were started under a lease (so a test JVM never stops
 * servers a person started by hand, and parallel test JVMs sharing one work folder do not stop
 * each other's servers); the JVM that started them is the one that stops them when it is alone.
 *
 * <p>The repository root comes from the system property {@code genrestack.repo.root} (surefire sets
 * it), else from walking up from the working directory to the folder holding
 * {@code scripts/local-infra.sh}. System properties {@code genrestack.infra.cache} and
 * {@code genrestack.infra.work} override the script's cache and work folders.
 */
public final class LocalInfra {

    /**
     * Addresses and credentials of the running Kafka broker and S3 endpoint.
     *
     * @param env every variable the script's {@code env} printed (for a secure pair also the {@code KAFKA_*} client
     *     settings, {@code GENRESTACK_KAFKA_USERNAME} / {@code _PASSWORD} and {@code GENRESTACK_S3_CA_FILE}); empty
     *     when the addresses came from this JVM's settings
     */
    public record Endpoints(
            String kafkaBootstrap, String s3Endpoint, String s3AccessKey, String s3SecretKey, Map<String, String> env) {
        public Endpoints {
            env = Map.copyOf(env);
        }

        public Endpoints(String kafkaBootstrap, String s3Endpoint, String s3AccessKey, String s3SecretKey) {
            this(kafkaBootstrap, s3Endpoint, s3AccessKey, s3SecretKey, Map.of());
        }

        /** {@code GENRESTACK_S3_CA_FILE} of a secure pair (the generated CA), else null. */
        public String s3CaFile() {
            return env.get(S3_CA_FILE);
        }

        /** Does not print the secret key or any password. */
        @Override
        public String toString() {
            return "Endpoints[kafka=" + kafkaBootstrap + ", s3=" + s3Endpoint + ", accessKey=" + s3AccessKey + "]";
        }
    }

    public static final String KAFKA_BOOTSTRAP = "GENRESTACK_KAFKA_BOOTSTRAP";
    public static final String S3_ENDPOINT = "GENRESTACK_S3_ENDPOINT";
    public static final String S3_ACCESS_KEY = "GENRESTACK_S3_ACCESS_KEY";
    public static final String S3_SECRET_KEY = "GENRESTACK_S3_SECRET_KEY";
    public static final String S3_CA_FILE = "GENRESTACK_S3_CA_FILE";
    public static final String DEFAULT_ACCESS_KEY = "genrestack";
    public static final String DEFAULT_SECRET_KEY = "genrestack-secret";

    /** Cold start includes fetching ~100 MB of jars through Maven. */
    private static final Duration START_TIMEOUT = Duration.ofMinutes(10);

    private static final Duration STOP_TIMEOUT = Duration.ofSeconds(90);
    private static final System.Logger LOG = System.getLogger(LocalInfra.class.getName());

    private static final Object LOCK = new Object();
    private static volatile Endpoints endpoints;
    private static volatile Endpoints secureEndpoints;

    private LocalInfra() {}

    /**
     * Returns the endpoints, starting the servers on the first call in this JVM if no addresses
     * are configured. Thread-safe; later calls return the same instance.
     *
     * @throws IllegalStateException when the script fails (the message holds its output)
     */
    public static Endpoints ensureStarted() {
        Endpoints e = endpoints;
        if (e != null) {
            return e;
        }
        synchronized (LOCK) {
            if (endpoints == null) {
                endpoints = resolve();
            }
            return endpoints;
        }
    }

    /**
     * A second, secure pair for tests of transport security ({@code scripts/local-infra.sh start --secure}: Kafka
     * with one SASL_SSL/SCRAM-SHA-512 listener, s3proxy on HTTPS, a generated CA), started on the first call in this
     * JVM under a lease like {@link #ensureStarted()}, in its own work folder: system property
     * {@code genrestack.infra.secure.work}, else the plaintext work folder's name with {@code -secure}
     * ({@code <repo>/.work/infra-secure}). Its {@link Endpoints#env()} holds the client settings.
     */
    public static Endpoints ensureSecureStarted() {
        Endpoints e = secureEndpoints;
        if (e != null) {
            return e;
        }
        synchronized (LOCK) {
            if (secureEndpoints == null) {
                secureEndpoints = startUnderLease(secureScriptEnv(), "start", "--secure");
            }
            return secureEndpoints;
        }
    }

    /** The work folder of {@link #ensureSecureStarted()}'s servers. */
    public static Path secureWork() {
        String work = System.getProperty("genrestack.infra.secure.work");
        if (work != null && !work.isBlank()) {
            return Path.of(work).toAbsolutePath();
        }
        String plain = System.getProperty("genrestack.infra.work");
        Path base = plain != null && !plain.isBlank()
                ? Path.of(plain).toAbsolutePath()
                : repoRoot().resolve(".work/infra");
        return base.resolveSibling(base.getFileName() + "-secure");
    }

    private static Map<String, String> secureScriptEnv() {
        Map<String, String> env = scriptEnv();
        env.put("GENRESTACK_INFRA_WORK", secureWork().toString());
        env.put("GENRESTACK_INFRA_SECURE", "true");
        return env;
    }

    private static Endpoints resolve() {
        String kafka = setting(KAFKA_BOOTSTRAP);
        String s3 = setting(S3_ENDPOINT);
        if (kafka != null && s3 != null) {
            LOG.log(System.Logger.Level.INFO, "Using configured Kafka " + kafka + " and S3 " + s3);
            return new Endpoints(
                    kafka,
                    s3,
                    orDefault(setting(S3_ACCESS_KEY), DEFAULT_ACCESS_KEY),
                    orDefault(setting(S3_SECRET_KEY), DEFAULT_SECRET_KEY));
        }
        return startUnderLease(scriptEnv(), "start");
    }

    /** Runs the script's {@code start} under this JVM's lease, registers its release, reads {@code env}. */
    private static Endpoints startUnderLease(Map<String, String> scriptEnv, String... start) {
        Path root = repoRoot();
        String lease = Long.toString(ProcessHandle.current().pid());
        Map<String, String> env = new HashMap<>(scriptEnv);
        env.put("GENRESTACK_INFRA_LEASE", lease);
        InfraScript.Result started = runOrFail(root, env, START_TIMEOUT, start);
        // Registered right after a successful start, so the lease is released even if env fails.
        Runtime.getRuntime()
                .addShutdownHook(new Thread(() -> release(root, scriptEnv, lease), "genrestack-infra-release"));
        LOG.log(System.Logger.Level.INFO, "Local infra:\n" + started.output().strip());
        InfraScript.Result printed = runOrFail(root, scriptEnv, Duration.ofSeconds(60), "env");
        return fromEnvFile(printed.output());
    }

    private static void release(Path root, Map<String, String> scriptEnv, String lease) {
        try {
            InfraScript.Result r = InfraScript.run(root, scriptEnv, STOP_TIMEOUT, "release", lease);
            if (!r.ok()) {
                System.err.println("local-infra release failed (" + r.exitCode() + "):\n" + r.output());
            }
        } catch (IOException | RuntimeException e) {
            System.err.println("local-infra release failed: " + e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static InfraScript.Result runOrFail(Path root, Map<String, String> env, Duration timeout, String... args) {
        String command = String.join(" ", args);
        try {
            InfraScript.Result r = InfraScript.run(root, env, timeout, args);
            if (!r.ok()) {
                throw new IllegalStateException(InfraScript.SCRIPT + " " + command + " failed with exit code "
                        + r.exitCode() + ":\n" + r.output());
            }
            return r;
        } catch (IOException e) {
            throw new IllegalStateException("Could not run " + InfraScript.script(root) + " " + command, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted while running " + InfraScript.SCRIPT + " " + command, e);
        }
    }

    /**
     * JVM options for a broker a test JVM starts (unless GENRESTACK_KAFKA_JAVA_OPTS is set): C1
     * only, which cuts the broker's start-up CPU by about a third on a small, busy machine. A
     * broker started by hand (local run, benchmarks) keeps the full JIT.
     */
    static final String TEST_KAFKA_JAVA_OPTS = "-XX:TieredStopAtLevel=1";

    /** Environment for the script: cache/work folder overrides from system properties. */
    private static Map<String, String> scriptEnv() {
        Map<String, String> env = new HashMap<>();
        env.put("GENRESTACK_INFRA_SECURE", null); // plaintext unless asked (a null value unsets it for the script)
        if (System.getenv("GENRESTACK_KAFKA_JAVA_OPTS") == null) {
            env.put("GENRESTACK_KAFKA_JAVA_OPTS", TEST_KAFKA_JAVA_OPTS);
        }
        String cache = System.getProperty("genrestack.infra.cache");
        String work = System.getProperty("genrestack.infra.work");
        if (cache != null && !cache.isBlank()) {
            env.put("GENRESTACK_INFRA_CACHE", cache);
        }
        if (work != null && !work.isBlank()) {
            env.put("GENRESTACK_INFRA_WORK", work);
        }
        return env;
    }

    /**
     * The repository root: system property {@code genrestack.repo.root}, else the nearest folder
     * at or above the working directory that holds {@code scripts/local-infra.sh}.
     *
     * @throws IllegalStateException when neither gives a folder holding the script
     */
    public static Path repoRoot() {
        String prop = System.getProperty("genrestack.repo.root");
        if (prop != null && !prop.isBlank()) {
            Path root = Path.of(prop).toAbsolutePath().normalize();
            if (Files.isRegularFile(InfraScript.script(root))) {
                return root;
            }
            throw new IllegalStateException("genrestack.repo.root=" + prop + " holds no " + InfraScript.SCRIPT);
        }
        Path cwd = Path.of("").toAbsolutePath().normalize();
        for (Path dir = cwd; dir != null; dir = dir.getParent()) {
            if (Files.isRegularFile(InfraScript.script(dir))) {
                return dir;
            }
        }
        throw new IllegalStateException("No " + InfraScript.SCRIPT + " in " + cwd + " or any folder above it;"
                + " set -Dgenrestack.repo.root=<repository root>");
    }

    /**
     * Parses the script's env file or {@code env} output ({@code export KEY='value'} lines;
     * {@code export}, quotes, blank lines and {@code #} comments are optional) into a map.
     */
    public static Map<String, String> parseEnv(String text) {
        Map<String, String> values = new LinkedHashMap<>();
        for (String raw : text.split("\\R")) {
            String line = raw.strip();
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            if (line.startsWith("export ")) {
                line = line.substring("export ".length()).strip();
            }
            int eq = line.indexOf('=');
            if (eq <= 0) {
                continue;
            }
            String value = line.substring(eq + 1).strip();
            if (value.length() >= 2
                    && (value.startsWith("'") && value.endsWith("'")
                            || value.startsWith("\"") && value.endsWith("\""))) {
                value = value.substring(1, value.length() - 1);
            }
            values.put(line.substring(0, eq).strip(), value);
        }
        return values;
    }

    /**
     * Endpoints from the script's env file or {@code env} output.
     *
     * @throws IllegalStateException when the Kafka or S3 address is missing
     */
    public static Endpoints fromEnvFile(String text) {
        Map<String, String> values = parseEnv(text);
        String kafka = values.get(KAFKA_BOOTSTRAP);
        String s3 = values.get(S3_ENDPOINT);
        if (kafka == null || s3 == null) {
            throw new IllegalStateException("No " + KAFKA_BOOTSTRAP + " / " + S3_ENDPOINT + " in:\n" + text);
        }
        return new Endpoints(
                kafka,
                s3,
                values.getOrDefault(S3_ACCESS_KEY, DEFAULT_ACCESS_KEY),
                values.getOrDefault(S3_SECRET_KEY, DEFAULT_SECRET_KEY),
                values);
    }

    /** System property {@code name}, else environment variable {@code name}; blank counts as unset. */
    static String setting(String name) {
        String v = System.getProperty(name);
        if (v == null || v.isBlank()) {
            v = System.getenv(name);
        }
        return v == null || v.isBlank() ? null : v.strip();
    }

    private static String orDefault(String v, String def) {
        return v == null ? def : v;
    }
}
