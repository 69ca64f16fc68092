package io.genrestack.deploy.checks;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * docker-compose.yml and docker-compose.cpu.yml against the code: every service built from its own Dockerfile,
 * probed on the port its application.properties declares, given only variables its code reads, Kafka and MinIO
 * healthy first, only the trainer and the stacker on a GPU, credentials only as required variables without a
 * default, host ports on 127.0.0.1 only, the debugging UIs only in the opt-in docker-compose.debug.yml behind logins
 * without defaults.
 */
class ComposeFileTest {
    private static final Pattern HEALTH_URL = Pattern.compile("http://localhost:(\\d+)(/\\S*)");

    private final Path root = DeployFiles.repoRoot();
    private final JsonNode compose = DeployFiles.document(root.resolve("docker-compose.yml"));
    private final JsonNode cpu = DeployFiles.document(root.resolve("docker-compose.cpu.yml"));
    private final JsonNode debug = DeployFiles.document(root.resolve("docker-compose.debug.yml"));

    private JsonNode service(String name) {
        JsonNode s = compose.path("services").path(name);
        assertTrue(s.isObject(), "docker-compose.yml has no service " + name);
        return s;
    }

    @Test
    void everyServiceModuleIsBuiltFromItsOwnDockerfile() {
        List<String> modules = DeployFiles.serviceModules(root);
        assertEquals(5, modules.size(), modules::toString);
        for (String m : modules) {
            JsonNode build = service(m).path("build");
            // The Dockerfiles build from source with Maven: the context is the whole repository (root pom.xml).
            Path context = root.resolve(build.path("context").asText("")).normalize();
            assertEquals(root, context, m + ": build context must be the repository root");
            Path dockerfile = context.resolve(build.path("dockerfile").asText("Dockerfile"));
            assertTrue(Files.isRegularFile(dockerfile), m + ": " + dockerfile + " missing");
            assertTrue(dockerfile.startsWith(root.resolve(m).resolve("src/main/docker")), m + ": " + dockerfile);
            assertTrue(service(m).path("image").asText().contains("/" + m + ":"), m + ": image name");
        }
    }

    @Test
    void healthchecksAndPortsUseTheDeclaredHttpPort() {
        for (String m : DeployFiles.serviceModules(root)) {
            int port = DeployFiles.httpPort(root, m);
            JsonNode test = service(m).path("healthcheck").path("test");
            assertTrue(test.isArray() && test.size() > 1, m + ": healthcheck.test");
            String cmd = String.join(" ", texts(test));
            assertTrue(cmd.contains("curl") || cmd.contains("wget"), m + ": " + cmd);
            Matcher u = HEALTH_URL.matcher(cmd);
            assertTrue(u.find(), m + ": no URL in " + cmd);
            assertEquals(port, Integer.parseInt(u.group(1)), m + ": healthcheck port");
            assertEquals("/q/health/ready", u.group(2), m + ": healthcheck path");
            for (String p : texts(service(m).path("ports"))) {
                String container = p.substring(p.lastIndexOf(':') + 1).replace("/tcp", "");
                assertEquals(String.valueOf(port), container, m + ": published port " + p);
            }
            for (String p : texts(service(m).path("expose"))) {
                assertEquals(String.valueOf(port), p, m + ": exposed port");
            }
            String explicit = environment(service(m)).get("QUARKUS_HTTP_PORT");
            assertTrue(explicit == null || explicit.equals(String.valueOf(port)), m + ": QUARKUS_HTTP_PORT");
        }
        assertTrue(
                service("trainer-service").path("ports").isMissingNode(),
                "trainer-service must publish no host port, or --scale trainer-service=4 clashes");
        assertTrue(service("trainer-service").path("container_name").isMissingNode(), "trainer: no container_name");
    }

    @Test
    void servicesWaitForHealthyKafkaAndMinio() {
        for (String infra : List.of("kafka", "minio")) {
            JsonNode hc = service(infra).path("healthcheck").path("test");
            assertTrue(hc.isArray() && hc.size() > 1, infra + " needs a healthcheck");
        }
        assertTrue(service("kafka").path("image").asText().contains("apache/kafka"), "official Kafka image");
        assertTrue(environment(service("kafka")).get("KAFKA_PROCESS_ROLES").contains("controller"), "KRaft");
        for (String m : DeployFiles.serviceModules(root)) {
            for (String infra : List.of("kafka", "minio")) {
                assertEquals(
                        "service_healthy",
                        service(m)
                                .path("depends_on")
                                .path(infra)
                                .path("condition")
                                .asText(),
                        m + " depends_on " + infra);
            }
            Map<String, String> env = environment(service(m));
            assertEquals("kafka:9092", env.get("KAFKA_BOOTSTRAP_SERVERS"), m);
            assertEquals("http://minio:9000", env.get("GENRESTACK_S3_ENDPOINT"), m);
            assertNotNull(env.get("GENRESTACK_S3_ACCESS_KEY"), m);
            assertNotNull(env.get("GENRESTACK_S3_SECRET_KEY"), m);
        }
    }

    @Test
    void everyConfigVariableMapsToAKeyTheServiceReads() {
        List<String> problems = new ArrayList<>();
        for (String m : DeployFiles.serviceModules(root)) {
            problems.addAll(EnvCheck.unmapped(root, m, environment(service(m)).keySet(), "docker-compose.yml"));
            JsonNode override = cpu.path("services").path(m);
            if (override.isObject()) {
                problems.addAll(EnvCheck.unmapped(root, m, environment(override).keySet(), "docker-compose.cpu.yml"));
            }
        }
        assertTrue(problems.isEmpty(), String.join("\n", problems));
    }

    @Test
    void everyServiceChecksApiTokensWithTheMountedPublicKey() {
        String location = "/run/secrets/jwt-public-key";
        for (String module : DeployFiles.serviceModules(root)) {
            JsonNode svc = service(module);
            assertEquals(location, environment(svc).get("MP_JWT_VERIFY_PUBLICKEY_LOCATION"), module);
            assertTrue(
                    texts(svc.path("secrets")).contains("jwt-public-key"), module + " gets the jwt-public-key secret");
        }
        String file =
                compose.path("secrets").path("jwt-public-key").path("file").asText();
        assertTrue(
                file.contains("GENRESTACK_JWT_PUBLIC_KEY") && resolved(file).endsWith(".secrets/public-key.pem"), file);
    }

    @Test
    void theExtractorReadsDataReadOnlyAndAutoRunsFromIt() {
        JsonNode extractor = service("extractor-service");
        boolean mounted = false;
        for (String v : texts(extractor.path("volumes"))) {
            String[] parts = resolved(v).split(":");
            if (parts.length == 3 && parts[1].equals("/data")) {
                assertEquals("ro", parts[2], "read-only /data");
                assertTrue(parts[0].endsWith("./data"), v);
                mounted = true;
            }
        }
        assertTrue(mounted, "./data must be mounted at /data");
        Map<String, String> env = environment(extractor);
        for (String key :
                List.of("GENRESTACK_EXTRACTOR_AUTO_RUN_INPUTS", "GENRESTACK_EXTRACTOR_AUTO_RUN_GROUND_TRUTH")) {
            String value = resolved(env.get(key));
            assertTrue(value.startsWith("/data/"), key + " = " + value);
        }
    }

    /** The services that train on a GPU in docker-compose.yml, each with its device variable. */
    static final Map<String, String> GPU_SERVICES = Map.of(
            "trainer-service", "GENRESTACK_TRAINER_DEVICE",
            "stacker-service", "GENRESTACK_STACKER_DEVICE");

    @Test
    void theTrainerAndTheStackerGetAGpuAndTheCpuOverrideTakesItAway() {
        for (var it = compose.path("services").fields(); it.hasNext(); ) {
            var e = it.next();
            JsonNode devices = e.getValue()
                    .path("deploy")
                    .path("resources")
                    .path("reservations")
                    .path("devices");
            if (GPU_SERVICES.containsKey(e.getKey())) {
                assertEquals(1, devices.size(), e.getKey() + ": one device request");
                JsonNode d = devices.get(0);
                assertEquals("nvidia", d.path("driver").asText());
                assertEquals(1, d.path("count").asInt());
                assertTrue(texts(d.path("capabilities")).contains("gpu"));
            } else {
                assertTrue(devices.isMissingNode() || devices.isEmpty(), e.getKey() + " must not reserve a GPU");
                assertFalse(e.getValue().toString().contains("\"gpu\""), e.getKey() + " mentions a gpu");
            }
        }
        // docker-compose.cpu.yml overrides only existing services.
        for (var it = cpu.path("services").fieldNames(); it.hasNext(); ) {
            String name = it.next();
            assertTrue(compose.path("services").has(name), "override names unknown service " + name);
        }
        for (var g : GPU_SERVICES.entrySet()) {
            String m = g.getKey();
            JsonNode gpu = service(m);
            assertEquals(
                    m + "/src/main/docker/Dockerfile.cuda",
                    gpu.path("build").path("dockerfile").asText(),
                    m + ": the CUDA image");
            assertTrue(resolved(gpu.path("image").asText()).endsWith("-cuda"), m + ": " + gpu.path("image"));
            assertEquals("gpu", environment(gpu).get(g.getValue()), m);

            // ... and for it docker-compose.cpu.yml: JVM image, no GPU, cpu.
            JsonNode t = cpu.path("services").path(m);
            String dockerfile = t.path("build").path("dockerfile").asText();
            assertEquals(m + "/src/main/docker/Dockerfile.jvm", dockerfile, m + " in docker-compose.cpu.yml");
            assertTrue(Files.isRegularFile(root.resolve(dockerfile)));
            assertEquals("cpu", environment(t).get(g.getValue()), m + " in docker-compose.cpu.yml");
            JsonNode devices =
                    t.path("deploy").path("resources").path("reservations").path("devices");
            assertTrue(
                    devices.isArray() && devices.isEmpty(),
                    m + ": override must reset the device reservation: " + devices);
            assertFalse(
                    t.path("image").asText().equals(gpu.path("image").asText()),
                    m + ": CPU image must not overwrite the CUDA image's tag");
        }
        assertTrue(
                DeployFiles.read(root.resolve("docker-compose.cpu.yml")).contains("devices: !reset []"),
                "the reset needs the !reset tag, or compose merges the device lists");
    }

    /**
     * No credential has a default: every credential variable is {@code ${VAR:?message}} (compose refuses to start
     * without it), never a literal; deploy/compose.env.example leaves them empty.
     */
    @Test
    void credentialsAreRequiredVariablesWithoutDefaults() {
        List<String> problems = new ArrayList<>();
        Map<String, JsonNode> files =
                Map.of("docker-compose.yml", compose, "docker-compose.cpu.yml", cpu, "docker-compose.debug.yml", debug);
        files.forEach((file, doc) -> problems.addAll(credentialProblems(doc, file)));
        for (String line :
                DeployFiles.read(root.resolve("deploy/compose.env.example")).split("\n")) {
            int eq = line.indexOf('=');
            if (!line.startsWith("#") && eq > 0 && isCredential(line.substring(0, eq))) {
                if (!line.substring(eq + 1).isBlank()) {
                    problems.add("compose.env.example: " + line + " gives a credential a value");
                }
            }
        }
        assertTrue(problems.isEmpty(), String.join("\n", problems));
        assertTrue(environment(service("minio")).get("MINIO_ROOT_PASSWORD").startsWith("${MINIO_ROOT_PASSWORD:?"));
    }

    /** Credential variables of a compose document that are not a required ${VAR:?...} without default. */
    static List<String> credentialProblems(JsonNode doc, String file) {
        List<String> problems = new ArrayList<>();
        for (var it = doc.path("services").fields(); it.hasNext(); ) {
            var e = it.next();
            environment(e.getValue()).forEach((k, v) -> {
                if (isCredential(k) && (v == null || !v.matches("\\$\\{[A-Za-z_][A-Za-z0-9_]*:\\?[^}]*}"))) {
                    problems.add(file + " " + e.getKey() + ": " + k + " = " + v + " is not a required ${VAR:?...}");
                }
            });
        }
        return problems;
    }

    /** Every published port of the compose files is bound to 127.0.0.1. */
    @Test
    void hostPortsArePublishedOnLoopbackOnly() {
        List<String> problems = new ArrayList<>();
        problems.addAll(loopbackProblems(compose, "docker-compose.yml"));
        problems.addAll(loopbackProblems(cpu, "docker-compose.cpu.yml"));
        problems.addAll(loopbackProblems(debug, "docker-compose.debug.yml"));
        assertTrue(problems.isEmpty(), String.join("\n", problems));
        assertFalse(texts(service("extractor-service").path("ports")).isEmpty(), "the extractor is published");
    }

    /** Published ports not bound to 127.0.0.1 (short syntax HOST_IP:HOST:CONTAINER, or long syntax host_ip). */
    static List<String> loopbackProblems(JsonNode doc, String file) {
        List<String> problems = new ArrayList<>();
        for (var it = doc.path("services").fields(); it.hasNext(); ) {
            var e = it.next();
            for (JsonNode p : e.getValue().path("ports")) {
                boolean ok = p.isTextual()
                        ? p.asText().startsWith("127.0.0.1:")
                        : p.path("host_ip").asText().equals("127.0.0.1");
                if (!ok) {
                    problems.add(file + " " + e.getKey() + ": port " + p + " is published on every interface");
                }
            }
        }
        return problems;
    }

    /**
     * kafka-ui and the MinIO console exist only with the opt-in docker-compose.debug.yml: the main file has no
     * kafka-ui, publishes no console port and switches MinIO's console off; the debug file's kafka-ui has a login
     * whose credentials are required variables, and its ports are on 127.0.0.1 (above).
     */
    @Test
    void debugUisComeOnlyWithTheDebugFileAndALogin() {
        assertFalse(compose.path("services").has("kafka-ui"), "kafka-ui in docker-compose.yml");
        assertEquals("off", environment(service("minio")).get("MINIO_BROWSER"), "MinIO console on by default");
        for (String p : texts(service("minio").path("ports"))) {
            assertFalse(p.endsWith(":9001"), "docker-compose.yml publishes the MinIO console: " + p);
        }
        JsonNode ui = debug.path("services").path("kafka-ui");
        Map<String, String> env = environment(ui);
        assertEquals("LOGIN_FORM", env.get("AUTH_TYPE"), "kafka-ui without a login");
        for (String k : List.of("SPRING_SECURITY_USER_NAME", "SPRING_SECURITY_USER_PASSWORD")) {
            assertTrue(
                    env.getOrDefault(k, "").matches("\\$\\{KAFKA_UI_[A-Z]+:\\?[^}]+}"),
                    k + " must be a required variable: " + env.get(k));
        }
        JsonNode minio = debug.path("services").path("minio");
        assertEquals("on", environment(minio).get("MINIO_BROWSER"));
        assertTrue(texts(minio.path("ports")).stream().anyMatch(p -> p.endsWith(":9001")), "debug: console port");
        for (var it = debug.path("services").fieldNames(); it.hasNext(); ) {
            String name = it.next();
            assertTrue(name.equals("kafka-ui") || compose.path("services").has(name), "debug file adds " + name);
        }
    }

    /** The two compose checkers above reject what they must. */
    @Test
    void theComposeCheckersRejectOpenPortsAndDefaultCredentials() throws Exception {
        JsonNode bad = DeployFiles.YAML.readTree("""
                services:
                  a:
                    ports:
                      - "8080:8080"
                      - "127.0.0.1:9000:9000"
                      - {target: 1, published: 2}
                      - {host_ip: 127.0.0.1, target: 3}
                    environment:
                      MINIO_ROOT_PASSWORD: ${MINIO_ROOT_PASSWORD:-genrestack-secret}
                      S3_SECRET_KEY: literal
                      KAFKA_UI_PASSWORD: ${KAFKA_UI_PASSWORD}
                      GOOD_PASSWORD: ${GOOD_PASSWORD:?required}
                """);
        List<String> ports = loopbackProblems(bad, "bad");
        assertEquals(2, ports.size(), ports::toString);
        assertTrue(ports.get(0).contains("8080:8080") && ports.get(1).contains("published"), ports::toString);
        List<String> creds = credentialProblems(bad, "bad");
        assertEquals(3, creds.size(), creds::toString);
        assertFalse(String.join(" ", creds).contains("GOOD_PASSWORD"), creds::toString);
    }

    /** The auto run can be switched off with an EMPTY variable: only ${VAR-default} keeps an empty value. */
    @Test
    void theAutoRunCanBeDisabledWithAnEmptyVariable() {
        Map<String, String> env = environment(service("extractor-service"));
        String inputs = env.get("GENRESTACK_EXTRACTOR_AUTO_RUN_INPUTS");
        assertEquals("/data/features", interpolate(inputs, Map.of()), "unset: the default run's inputs");
        assertEquals(
                "",
                interpolate(inputs, Map.of("GENRESTACK_EXTRACTOR_AUTO_RUN_INPUTS", "")),
                "GENRESTACK_EXTRACTOR_AUTO_RUN_INPUTS= must disable the auto run, but compose gives: " + inputs);
        assertEquals("/x", interpolate(inputs, Map.of("GENRESTACK_EXTRACTOR_AUTO_RUN_INPUTS", "/x")));
        String gt = env.get("GENRESTACK_EXTRACTOR_AUTO_RUN_GROUND_TRUTH");
        assertEquals("", interpolate(gt, Map.of("GENRESTACK_EXTRACTOR_AUTO_RUN_GROUND_TRUTH", "")), gt);
        // The interpolation rule itself, as compose documents it.
        assertEquals("d", interpolate("${V:-d}", Map.of("V", "")));
        assertEquals("", interpolate("${V-d}", Map.of("V", "")));
        assertEquals("d", interpolate("${V-d}", Map.of()));
        // The .env example shows how to switch it off.
        assertTrue(
                DeployFiles.read(root.resolve("deploy/compose.env.example"))
                        .contains("# GENRESTACK_EXTRACTOR_AUTO_RUN_INPUTS=\n"),
                "compose.env.example: how to disable");
    }

    /**
     * Every container has a memory limit, and for the JVMs the heap share the image sets (MaxRAMPercentage) of that
     * limit leaves a usable heap and room for native memory; Kafka's fixed heap fits under its limit.
     */
    @Test
    void everyContainerHasAMemoryLimitThatSizesItsJvm() {
        List<String> problems = new ArrayList<>();
        for (var it = compose.path("services").fields(); it.hasNext(); ) {
            var e = it.next();
            String name = e.getKey();
            JsonNode limits = e.getValue().path("deploy").path("resources").path("limits");
            String raw =
                    limits.path("memory").asText(e.getValue().path("mem_limit").asText(""));
            if (raw.isEmpty()) {
                problems.add(name + ": no memory limit (deploy.resources.limits.memory)");
                continue;
            }
            long limit = bytes(resolved(raw));
            if (DeployFiles.serviceModules(root).contains(name)) {
                Path dockerfile = root.resolve(
                        e.getValue().path("build").path("dockerfile").asText());
                double pct = maxRamPercentage(
                        DockerfilesTest.env(DockerfilesTest.parse(dockerfile)).get("JAVA_OPTS"));
                long heap = (long) (limit * pct / 100);
                if (heap < 512L << 20 || limit - heap < 384L << 20) {
                    problems.add(name + ": limit " + raw + " x MaxRAMPercentage " + pct + " = heap " + (heap >> 20)
                            + " MiB, non-heap " + ((limit - heap) >> 20) + " MiB");
                }
            }
            if (name.equals("kafka")) {
                Matcher xmx = Pattern.compile("-Xmx(\\d+[kmgKMG])")
                        .matcher(environment(e.getValue()).get("KAFKA_HEAP_OPTS"));
                assertTrue(xmx.find(), "kafka: -Xmx in KAFKA_HEAP_OPTS");
                if (bytes(xmx.group(1)) + (256L << 20) > limit) {
                    problems.add("kafka: heap " + xmx.group(1) + " does not fit its limit " + raw);
                }
            }
        }
        assertTrue(problems.isEmpty(), String.join("\n", problems));
    }

    /** The Kafka healthcheck runs every few seconds: it must not start a JVM (the broker's tools are Java). */
    @Test
    void theKafkaHealthcheckIsCheap() {
        String cmd = String.join(" ", texts(service("kafka").path("healthcheck").path("test")));
        assertFalse(cmd.matches(".*(\\.sh|\\bjava\\b|kafka-).*"), "kafka healthcheck starts a JVM: " + cmd);
        assertTrue(cmd.contains("/dev/tcp/127.0.0.1/9092") || cmd.contains("/dev/tcp/localhost/9092"), cmd);
        String ui =
                resolved(debug.path("services").path("kafka-ui").path("image").asText());
        assertTrue(ui.contains("kafbat/kafka-ui:"), "kafka-ui: the maintained kafbat image, got " + ui);
        assertFalse(ui.endsWith(":latest") || ui.endsWith(":main"), "kafka-ui: a pinned tag, got " + ui);
    }

    /** Compose's interpolation of one value: ${V}, ${V:-d} (default when unset or empty), ${V-d} (only when unset). */
    static String interpolate(String value, Map<String, String> env) {
        Matcher m = Pattern.compile("\\$\\{([A-Za-z_][A-Za-z0-9_]*)(?:(:?)-([^}]*))?}")
                .matcher(value);
        StringBuilder sb = new StringBuilder();
        while (m.find()) {
            String v = env.get(m.group(1));
            boolean hasDefault = m.group(3) != null;
            boolean colon = ":".equals(m.group(2));
            String out = v == null || (colon && v.isEmpty()) ? (hasDefault ? m.group(3) : "") : v;
            m.appendReplacement(sb, Matcher.quoteReplacement(out));
        }
        m.appendTail(sb);
        return sb.toString();
    }

    private static double maxRamPercentage(String javaOpts) {
        Matcher m =
                Pattern.compile("-XX:MaxRAMPercentage=(\\d+(?:\\.\\d+)?)").matcher(javaOpts == null ? "" : javaOpts);
        assertTrue(m.find(), "JAVA_OPTS without MaxRAMPercentage: " + javaOpts);
        return Double.parseDouble(m.group(1));
    }

    /** A compose / JVM size: 512m, 2g, 1536M, 1G, plain bytes. */
    static long bytes(String size) {
        Matcher m = Pattern.compile("(\\d+)([kmgKMG]?)[bB]?").matcher(size.trim());
        assertTrue(m.matches(), "size " + size);
        long n = Long.parseLong(m.group(1));
        return switch (m.group(2).toLowerCase()) {
            case "k" -> n << 10;
            case "m" -> n << 20;
            case "g" -> n << 30;
            default -> n;
        };
    }

    static boolean isCredential(String name) {
        String n = name.toUpperCase();
        return n.contains("PASSWORD")
                || n.contains("SECRET")
                || n.contains("ACCESS_KEY")
                || n.endsWith("ROOT_USER")
                || n.contains("TOKEN");
    }

    /** A value with its ${VAR:-default} / ${VAR-default} resolved as compose does when VAR is unset. */
    private static String resolved(String value) {
        assertNotNull(value);
        return interpolate(value, Map.of());
    }

    /** The environment of a compose service, map or list form. */
    static Map<String, String> environment(JsonNode service) {
        Map<String, String> env = new LinkedHashMap<>();
        JsonNode e = service.path("environment");
        if (e.isObject()) {
            e.fields()
                    .forEachRemaining(f -> env.put(
                            f.getKey(),
                            f.getValue().isNull() ? null : f.getValue().asText()));
        } else if (e.isArray()) {
            for (JsonNode n : e) {
                String s = n.asText();
                int eq = s.indexOf('=');
                env.put(eq < 0 ? s : s.substring(0, eq), eq < 0 ? null : s.substring(eq + 1));
            }
        }
        return env;
    }

    static List<String> texts(JsonNode array) {
        List<String> out = new ArrayList<>();
        for (Iterator<JsonNode> it = array.elements(); it.hasNext(); ) {
            out.add(it.next().asText());
        }
        return out;
    }
}
