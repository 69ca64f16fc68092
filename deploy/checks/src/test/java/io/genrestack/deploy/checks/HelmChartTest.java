package io.genrestack.deploy.checks;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.marcnuri.helm.Helm;
import com.marcnuri.helm.LintResult;
import com.marcnuri.helm.TemplateCommand;
import io.genrestack.common.kafka.TopicAdmin;
import io.genrestack.deploy.checks.Kustomize.Resource;
import org.apache.kafka.clients.admin.NewTopic;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Consumer;

import static io.genrestack.deploy.checks.KubernetesManifestsTest.assertServiceAddress;
import static io.genrestack.deploy.checks.KubernetesManifestsTest.autoscalerTargets;
import static io.genrestack.deploy.checks.KubernetesManifestsTest.container;
import static io.genrestack.deploy.checks.KubernetesManifestsTest.containerPort;
import static io.genrestack.deploy.checks.KubernetesManifestsTest.environmentIn;
import static io.genrestack.deploy.checks.KubernetesManifestsTest.find;
import static io.genrestack.deploy.checks.KubernetesManifestsTest.gpuContainers;
import static io.genrestack.deploy.checks.KubernetesManifestsTest.resolvePort;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The Helm chart deploy/helm/genrestack, linted and rendered by Helm's own library (helm-java), with its default
 * values (CPU) and values-gpu.yaml, and the rendered manifests checked like the kustomize tree: every service on its
 * declared port with the health probes, only variables the code reads, references that exist, fully qualified Kafka
 * addresses, headless StatefulSet services, no replicas on autoscaled Deployments, the GPU only for the trainer and
 * the job-running stacker (never the /predict tier),
 * PodDisruptionBudgets, the ConfigMap checksum, and the Strimzi topics equal to TopicAdmin's plan.
 */
class HelmChartTest {
    private static final String NS = "genrestack";
    private static final String GPU = "nvidia.com/gpu";

    private final Path root = DeployFiles.repoRoot();
    private final Path chart = root.resolve("deploy/helm/genrestack");

    /** helm template with the given values files and --set pairs; the release is "genrestack" in namespace NS. */
    static String renderYaml(Path chart, List<String> valuesFiles, Map<String, Object> set) {
        TemplateCommand t = new Helm(chart).template().withName("genrestack").withNamespace(NS);
        for (String f : valuesFiles) {
            t = t.withValuesFile(chart.resolve(f));
        }
        // Offline: the generated S3 key pair cannot be looked up in a cluster (Helm's lookup would dial one).
        t = t.set("s3.keepGeneratedOnUpgrade", "false");
        for (var e : set.entrySet()) {
            t = t.set(e.getKey(), e.getValue());
        }
        return t.call();
    }

    private List<Resource> render(List<String> valuesFiles, Map<String, Object> set) {
        return resources(chart, valuesFiles, set);
    }

    /** {@link #renderYaml} parsed into resources, each a mapping. */
    static List<Resource> resources(Path chart, List<String> valuesFiles, Map<String, Object> set) {
        String out = renderYaml(chart, valuesFiles, set);
        try {
            Path tmp = Files.createTempFile("helm-template", ".yaml");
            try {
                Files.writeString(tmp, out);
                List<Resource> rs = new ArrayList<>();
                for (JsonNode d : DeployFiles.documents(tmp)) {
                    assertTrue(d.isObject(), "rendered document is not a mapping: " + d);
                    rs.add(new Resource(chart, (ObjectNode) d));
                }
                return rs;
            } finally {
                Files.deleteIfExists(tmp);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private List<Resource> defaults() {
        return render(List.of(), Map.of());
    }

    private List<Resource> gpu() {
        return render(List.of("values-gpu.yaml"), Map.of());
    }

    @Test
    void helmLintPassesStrict() {
        LintResult lint = new Helm(chart).lint().strict().call();
        assertFalse(lint.isFailed(), "helm lint --strict: " + lint.getMessages());
        assertTrue(Files.isRegularFile(chart.resolve("values-gpu.yaml")));
    }

    /** The checks of a rendered installation that hold for every values file. */
    private void checkInstallation(List<Resource> rs, String what) {
        List<String> problems = new ArrayList<>();
        for (Resource r : rs) {
            assertFalse(r.doc().path("apiVersion").asText().isEmpty(), what + ": apiVersion of " + r.name());
            assertFalse(r.name().isEmpty(), what + ": a " + r.kind() + " without a name");
        }
        for (String m : DeployFiles.serviceModules(root)) {
            int port = DeployFiles.httpPort(root, m);
            JsonNode dep = find(rs, "Deployment", m).doc();
            JsonNode labels = dep.path("spec").path("template").path("metadata").path("labels");
            dep.path("spec")
                    .path("selector")
                    .path("matchLabels")
                    .fields()
                    .forEachRemaining(
                            e -> assertEquals(e.getValue(), labels.path(e.getKey()), m + ": selector vs pod labels"));
            JsonNode c = container(dep, m);
            assertTrue(
                    c.path("image").asText().startsWith("genrestack/" + m + ":0.1.0"), what + ": " + c.path("image"));
            assertEquals(port, containerPort(c, "http"), m + ": containerPort");
            JsonNode svc = find(rs, "Service", m).doc();
            svc.path("spec")
                    .path("selector")
                    .fields()
                    .forEachRemaining(
                            e -> assertEquals(e.getValue(), labels.path(e.getKey()), m + ": Service selector"));
            assertEquals(
                    port, svc.path("spec").path("ports").get(0).path("port").asInt(), m + ": Service port");
            Map<String, String> probes = Map.of(
                    "startupProbe",
                    "/q/health/started",
                    "readinessProbe",
                    "/q/health/ready",
                    "livenessProbe",
                    "/q/health/live");
            for (var e : probes.entrySet()) {
                JsonNode get = c.path(e.getKey()).path("httpGet");
                assertEquals(e.getValue(), get.path("path").asText(), what + " " + m + ": " + e.getKey());
                assertEquals(port, resolvePort(c, get.path("port")), m + ": " + e.getKey() + " port");
            }
            problems.addAll(EnvCheck.unmapped(root, m, environmentIn(rs, c).keySet(), what + " " + m));
            // A ConfigMap change must roll the pods.
            assertTrue(
                    dep.path("spec")
                            .path("template")
                            .path("metadata")
                            .path("annotations")
                            .path("checksum/config")
                            .asText()
                            .matches("[0-9a-f]{64}"),
                    m + ": checksum/config annotation");
            // A PodDisruptionBudget selecting the pods.
            JsonNode pdb = find(rs, "PodDisruptionBudget", m).doc();
            pdb.path("spec")
                    .path("selector")
                    .path("matchLabels")
                    .fields()
                    .forEachRemaining(e -> assertEquals(e.getValue(), labels.path(e.getKey()), m + ": PDB selector"));
            assertTrue(
                    pdb.path("spec").has("maxUnavailable"),
                    m + ": PDB maxUnavailable (minAvailable 1 on one " + "replica would block every drain)");
        }
        for (Resource r : rs) {
            for (JsonNode c : Kustomize.containers(r.doc())) {
                String where = what + " " + r.kind() + " " + r.name() + "/"
                        + c.path("name").asText();
                JsonNode res = c.path("resources");
                assertTrue(
                        res.path("requests").has("cpu") && res.path("requests").has("memory"), where + ": requests");
                assertTrue(res.path("limits").has("memory"), where + ": memory limit");
                assertTrue(c.path("startupProbe").isObject(), where + ": startupProbe");
                for (JsonNode e : c.path("env")) {
                    if (ComposeFileTest.isCredential(e.path("name").asText())) {
                        assertTrue(
                                e.path("value").isMissingNode(), where + ": " + e.path("name") + " not from a Secret");
                    }
                }
            }
            if (r.kind().equals("StatefulSet")) {
                JsonNode svc = find(
                                rs,
                                "Service",
                                r.doc().path("spec").path("serviceName").asText())
                        .doc();
                assertEquals("None", svc.path("spec").path("clusterIP").asText(), r.name() + ": headless service");
            }
            if (r.kind().equals("Secret")) {
                r.doc().path("data").fields().forEachRemaining(e -> {
                    String v = new String(
                            java.util.Base64.getDecoder().decode(e.getValue().asText()));
                    assertTrue(
                            v.length() >= 12 && !v.toUpperCase().contains("REPLACE"),
                            r.name() + "/" + e.getKey() + " is a placeholder");
                });
            }
        }
        problems.addAll(references(rs, what));
        assertTrue(problems.isEmpty(), String.join("\n", problems));
        // Every Kafka address is fully qualified in the release namespace.
        String bootstrap = find(rs, "ConfigMap", "genrestack-config")
                .doc()
                .path("data")
                .path("KAFKA_BOOTSTRAP_SERVERS")
                .asText();
        if (rs.stream().anyMatch(r -> r.kind().equals("StatefulSet") && r.name().equals("kafka"))) {
            assertServiceAddress(rs, bootstrap, NS, what + " bootstrap");
            String adv = environmentIn(
                            rs, container(find(rs, "StatefulSet", "kafka").doc(), "kafka"))
                    .get("KAFKA_ADVERTISED_LISTENERS");
            assertEquals("PLAINTEXT://$(POD_NAME).kafka-headless.$(POD_NAMESPACE).svc.cluster.local:9092", adv);
        }
        for (Resource so : rs) {
            if (so.kind().equals("ScaledObject")) {
                assertEquals(
                        bootstrap,
                        so.doc()
                                .path("spec")
                                .path("triggers")
                                .get(0)
                                .path("metadata")
                                .path("bootstrapServers")
                                .asText(),
                        "KEDA uses the services' fully qualified bootstrap");
            }
        }
        for (String t : autoscalerTargets(rs)) {
            assertTrue(
                    find(rs, "Deployment", t)
                            .doc()
                            .path("spec")
                            .path("replicas")
                            .isMissingNode(),
                    what + ": autoscaled Deployment " + t + " sets replicas");
        }
    }

    private static List<String> references(List<Resource> rs, String what) {
        List<String> problems = new ArrayList<>();
        // Secrets the Strimzi operator writes: a KafkaUser's (its name) and a Kafka cluster's CA
        // (<name>-cluster-ca-cert).
        Set<String> strimziSecrets = new TreeSet<>();
        for (Resource r : rs) {
            if (r.kind().equals("KafkaUser")) {
                strimziSecrets.add(r.name());
            } else if (r.kind().equals("Kafka")) {
                strimziSecrets.add(r.name() + "-cluster-ca-cert");
            }
        }
        Consumer<String[]> need = ref -> {
            var target = rs.stream()
                    .filter(r -> r.kind().equals(ref[0]) && r.name().equals(ref[1]))
                    .findFirst();
            if (ref[0].equals("Secret") && strimziSecrets.contains(ref[1])) {
                return;
            }
            if (target.isEmpty()) {
                problems.add(what + ": " + ref[2] + " references missing " + ref[0] + " " + ref[1]);
            } else if (ref[3] != null && !target.get().doc().path("data").has(ref[3])) {
                problems.add(what + ": " + ref[2] + " references missing key " + ref[3] + " of " + ref[1]);
            }
        };
        for (Resource r : rs) {
            for (JsonNode c : Kustomize.containers(r.doc())) {
                for (JsonNode ef : c.path("envFrom")) {
                    if (ef.has("configMapRef")) {
                        need.accept(new String[] {
                            "ConfigMap", ef.path("configMapRef").path("name").asText(), r.name(), null
                        });
                    }
                }
                for (JsonNode e : c.path("env")) {
                    JsonNode sk = e.path("valueFrom").path("secretKeyRef");
                    if (sk.isObject()) {
                        need.accept(new String[] {
                            "Secret",
                            sk.path("name").asText(),
                            r.name(),
                            sk.path("key").asText()
                        });
                    }
                }
            }
            for (JsonNode v : Kustomize.podSpec(r.doc()).path("volumes")) {
                JsonNode pvc = v.path("persistentVolumeClaim");
                if (pvc.isObject()) {
                    need.accept(new String[] {
                        "PersistentVolumeClaim", pvc.path("claimName").asText(), r.name(), null
                    });
                }
                JsonNode secret = v.path("secret");
                for (JsonNode item : secret.path("items")) {
                    need.accept(new String[] {
                        "Secret",
                        secret.path("secretName").asText(),
                        r.name(),
                        item.path("key").asText()
                    });
                }
            }
        }
        return problems;
    }

    @Test
    void defaultValuesRenderACpuInstallationWithBundledKafkaAndMinio() {
        List<Resource> rs = defaults();
        checkInstallation(rs, "default values");
        assertEquals(List.of(), gpuContainers(rs), "default values: no GPU");
        JsonNode trainer = container(find(rs, "Deployment", "trainer-service").doc(), "trainer-service");
        assertEquals("genrestack/trainer-service:0.1.0", trainer.path("image").asText(), "JVM image");
        assertEquals("cpu", environmentIn(rs, trainer).get("GENRESTACK_TRAINER_DEVICE"));
        JsonNode stacker = container(find(rs, "Deployment", "stacker-service").doc(), "stacker-service");
        assertEquals("genrestack/stacker-service:0.1.0", stacker.path("image").asText(), "stacker: JVM image");
        assertEquals("cpu", environmentIn(rs, stacker).get("GENRESTACK_STACKER_DEVICE"));
        assertTrue(
                Kustomize.podSpec(find(rs, "Deployment", "stacker-service").doc())
                        .path("nodeSelector")
                        .isMissingNode(),
                "stacker: no GPU placement by default");
        assertEquals(
                1,
                find(rs, "Deployment", "trainer-service")
                        .doc()
                        .path("spec")
                        .path("replicas")
                        .asInt(),
                "without an autoscaler the chart sets the replicas");
        find(rs, "StatefulSet", "kafka");
        find(rs, "StatefulSet", "minio");
        assertTrue(
                rs.stream()
                        .noneMatch(r -> r.kind().equals("ServiceMonitor")
                                || r.kind().startsWith("Kafka")
                                || r.kind().equals("ScaledObject")),
                "optional resources off by default");
        assertServiceAddress(
                rs,
                find(rs, "ConfigMap", "genrestack-config")
                        .doc()
                        .path("data")
                        .path("GENRESTACK_S3_ENDPOINT")
                        .asText()
                        .replace("http://", ""),
                NS,
                "S3 endpoint");
    }

    @Test
    void gpuValuesPutTheTrainerOnGpuNodesWithTheCudaImage() {
        List<Resource> rs = gpu();
        checkInstallation(rs, "values-gpu.yaml");
        assertEquals(
                List.of("trainer-service/trainer-service", "stacker-service/stacker-service"),
                gpuContainers(rs),
                "only the trainer and the job-running stacker get a GPU");
        for (var g : ComposeFileTest.GPU_SERVICES.entrySet()) {
            String m = g.getKey();
            Resource d = find(rs, "Deployment", m);
            JsonNode p = Kustomize.podSpec(d.doc());
            JsonNode gc = container(d.doc(), m);
            assertEquals("genrestack/" + m + ":0.1.0-cuda", gc.path("image").asText());
            assertEquals(1, gc.path("resources").path("limits").path(GPU).asInt(), m);
            assertEquals("gpu", environmentIn(rs, gc).get(g.getValue()), m + ": device");
            assertEquals(
                    "true",
                    p.path("nodeSelector").path("nvidia.com/gpu.present").asText(),
                    m);
            assertTrue(p.path("tolerations").toString().contains(GPU), m + ": GPU toleration");
            assertEquals("nvidia", p.path("runtimeClassName").asText(), m);
            assertEquals(
                    0,
                    d.doc()
                            .path("spec")
                            .path("strategy")
                            .path("rollingUpdate")
                            .path("maxSurge")
                            .asInt(-1),
                    m + ": rolls without a spare GPU");
        }
        // The REST-only /predict tier, made from the stacker's values, stays on the JVM image and the CPU.
        List<Resource> withPredict = render(List.of("values-gpu.yaml"), Map.of("autoscaling.predict.enabled", "true"));
        assertEquals(2, gpuContainers(withPredict).size(), "the /predict tier asks for no GPU");
        Resource predict = find(withPredict, "Deployment", "stacker-predict");
        JsonNode pc = container(predict.doc(), "stacker-service");
        assertEquals("genrestack/stacker-service:0.1.0", pc.path("image").asText(), "/predict: JVM image");
        assertTrue(Kustomize.podSpec(predict.doc()).path("nodeSelector").isMissingNode(), "/predict: no GPU nodes");
        assertEquals("cpu", environmentIn(withPredict, pc).getOrDefault("GENRESTACK_STACKER_DEVICE", "cpu"));
        Resource dep = find(rs, "Deployment", "trainer-service");
        JsonNode pod = Kustomize.podSpec(dep.doc());
        JsonNode c = container(dep.doc(), "trainer-service");
        assertEquals("genrestack/trainer-service:0.1.0-cuda", c.path("image").asText());
        assertEquals(1, c.path("resources").path("limits").path(GPU).asInt());
        assertEquals("gpu", environmentIn(rs, c).get("GENRESTACK_TRAINER_DEVICE"));
        assertEquals(
                "true", pod.path("nodeSelector").path("nvidia.com/gpu.present").asText());
        assertTrue(pod.path("tolerations").toString().contains(GPU), "GPU toleration");
        assertEquals("nvidia", pod.path("runtimeClassName").asText());
        // Trainers spread over nodes.
        JsonNode spread = pod.path("topologySpreadConstraints").get(0);
        assertNotNull(spread, "trainer: topologySpreadConstraints");
        JsonNode labels =
                dep.doc().path("spec").path("template").path("metadata").path("labels");
        spread.path("labelSelector")
                .path("matchLabels")
                .fields()
                .forEachRemaining(
                        e -> assertEquals(e.getValue(), labels.path(e.getKey()), "spread selector vs trainer pods"));
        // The work dir (memory-mapped training data) is requested as ephemeral storage.
        long scratch = 0;
        for (JsonNode v : pod.path("volumes")) {
            if (v.has("emptyDir")) {
                scratch += ComposeFileTest.bytes(
                        v.path("emptyDir").path("sizeLimit").asText("0").replace("i", ""));
            }
        }
        String eph =
                c.path("resources").path("requests").path("ephemeral-storage").asText("0");
        assertTrue(
                ComposeFileTest.bytes(eph.replace("i", "")) >= scratch,
                "ephemeral-storage request " + eph + " below the emptyDirs' " + (scratch >> 30) + " GiB");
        // KEDA owns the trainer count: the Deployment sets none (checkInstallation), and the window acts.
        JsonNode so = find(rs, "ScaledObject", "trainer-service").doc().path("spec");
        assertTrue(so.path("cooldownPeriod").isMissingNode()
                || so.path("minReplicaCount").asInt() == 0);
        assertTrue(so.path("advanced")
                        .path("horizontalPodAutoscalerConfig")
                        .path("behavior")
                        .path("scaleDown")
                        .path("stabilizationWindowSeconds")
                        .asInt()
                >= 600);
        assertEquals(
                "trainer-jobs",
                so.path("triggers").get(0).path("metadata").path("topic").asText());
        assertEquals(
                "genrestack-trainer",
                so.path("triggers")
                        .get(0)
                        .path("metadata")
                        .path("consumerGroup")
                        .asText());
    }

    @Test
    void aConfigChangeRollsThePods() {
        String before = checksum(defaults());
        assertEquals(before, checksum(defaults()), "the checksum is stable");
        String after = checksum(render(List.of(), Map.of("config.jobMaxAttempts", "5")));
        assertNotEquals(before, after, "changing genrestack-config must change the pods' checksum annotation");
    }

    private static String checksum(List<Resource> rs) {
        return find(rs, "Deployment", "scaler-service")
                .doc()
                .path("spec")
                .path("template")
                .path("metadata")
                .path("annotations")
                .path("checksum/config")
                .asText();
    }

    @Test
    void theRestOnlyPredictTierIsTheOnlyCpuAutoscaledDeployment() {
        List<Resource> rs = render(List.of(), Map.of("autoscaling.predict.enabled", "true"));
        checkInstallation(rs, "predict tier");
        JsonNode hpa = find(rs, "HorizontalPodAutoscaler", "stacker-predict").doc();
        assertEquals(
                "stacker-predict",
                hpa.path("spec").path("scaleTargetRef").path("name").asText());
        JsonNode c = container(find(rs, "Deployment", "stacker-predict").doc(), "stacker-service");
        assertEquals("false", environmentIn(rs, c).get("GENRESTACK_PLATFORM_WORKER_ENABLED"), "REST only");
        assertEquals(
                1,
                find(rs, "Deployment", "stacker-service")
                        .doc()
                        .path("spec")
                        .path("replicas")
                        .asInt());
        assertTrue(rs.stream()
                .noneMatch(r ->
                        r.kind().equals("HorizontalPodAutoscaler") && !r.name().equals("stacker-predict")));
    }

    /** kafka.mode=strimzi: a Strimzi cluster and one KafkaTopic per topic of TopicAdmin.plan, nothing bundled. */
    @Test
    void strimziModeDeclaresTheTopicsThePipelineNeeds() {
        List<Resource> rs = render(
                List.of(),
                Map.of("kafka.mode", "strimzi", "kafka.topics.replication", "3", "kafka.topics.partitions", "24"));
        checkInstallation(rs, "strimzi");
        assertTrue(
                rs.stream()
                        .noneMatch(
                                r -> r.name().startsWith("kafka") && !r.kind().startsWith("Kafka")),
                "no bundled Kafka with strimzi");
        find(rs, "Kafka", "genrestack");
        find(rs, "KafkaNodePool", "genrestack-pool");
        Map<String, String> expected = new TreeMap<>();
        for (NewTopic t : TopicAdmin.plan(24, (short) 3)) {
            expected.put(
                    t.name(),
                    t.numPartitions() + "/" + t.replicationFactor() + "/"
                            + new TreeMap<>(t.configs() == null ? Map.of() : t.configs()));
        }
        Map<String, String> rendered = new TreeMap<>();
        for (Resource r : rs) {
            if (r.kind().equals("KafkaTopic")) {
                assertEquals(
                        "genrestack",
                        r.doc()
                                .path("metadata")
                                .path("labels")
                                .path("strimzi.io/cluster")
                                .asText());
                JsonNode spec = r.doc().path("spec");
                Map<String, String> cfg = new TreeMap<>();
                spec.path("config")
                        .fields()
                        .forEachRemaining(e -> cfg.put(e.getKey(), e.getValue().asText()));
                rendered.put(
                        r.name(),
                        spec.path("partitions").asInt() + "/"
                                + spec.path("replicas").asInt() + "/" + cfg);
            }
        }
        assertEquals(expected, rendered, "KafkaTopics vs TopicAdmin.plan");
        // strimzi.secure (the default): the TLS listener, SCRAM-SHA-512 as the KafkaUser, the cluster CA as PEM.
        assertEquals(
                "genrestack-kafka-bootstrap." + NS + ".svc.cluster.local:9093",
                find(rs, "ConfigMap", "genrestack-config")
                        .doc()
                        .path("data")
                        .path("KAFKA_BOOTSTRAP_SERVERS")
                        .asText());
        assertEquals(
                "3",
                find(rs, "ConfigMap", "genrestack-config")
                        .doc()
                        .path("data")
                        .path("GENRESTACK_PLATFORM_TOPIC_REPLICATION")
                        .asText(),
                "services create topics like the chart");
        JsonNode c = container(find(rs, "Deployment", "trainer-service").doc(), "trainer-service");
        Map<String, JsonNode> env = new HashMap<>();
        c.path("env").forEach(e -> env.put(e.path("name").asText(), e));
        assertEquals(
                "SASL_SSL", env.get("KAFKA_SECURITY_PROTOCOL").path("value").asText());
        assertEquals(
                "SCRAM-SHA-512", env.get("KAFKA_SASL_MECHANISM").path("value").asText());
        assertEquals("PEM", env.get("KAFKA_SSL_TRUSTSTORE_TYPE").path("value").asText());
        assertEquals(
                "genrestack",
                env.get("KAFKA_SASL_JAAS_CONFIG")
                        .path("valueFrom")
                        .path("secretKeyRef")
                        .path("name")
                        .asText(),
                "the KafkaUser's Secret");
        assertFalse(env.containsKey("KAFKA_SSL_TRUSTSTORE_PASSWORD"), "a PEM trust store has no password");
        assertEquals(
                "/etc/genrestack/kafka-truststore/ca.crt",
                env.get("KAFKA_SSL_TRUSTSTORE_LOCATION").path("value").asText());
        assertTrue(
                Kustomize.podSpec(find(rs, "Deployment", "trainer-service").doc())
                        .path("volumes")
                        .toString()
                        .contains("\"secretName\":\"genrestack-cluster-ca-cert\""),
                "the cluster CA is mounted");
        // KEDA logs in like the services.
        List<Resource> keda = render(List.of("values-gpu.yaml"), Map.of("kafka.mode", "strimzi"));
        checkInstallation(keda, "strimzi + values-gpu.yaml");
        JsonNode trigger = find(keda, "ScaledObject", "trainer-service")
                .doc()
                .path("spec")
                .path("triggers")
                .get(0);
        assertEquals(
                "genrestack-kafka",
                trigger.path("authenticationRef").path("name").asText());
        JsonNode ta = find(keda, "TriggerAuthentication", "genrestack-kafka").doc();
        assertTrue(ta.toString().contains("\"parameter\":\"password\",\"name\":\"genrestack\""), ta::toString);
    }

    @Test
    void anExistingKafkaAndS3StoreReplaceTheBundledOnes() {
        Map<String, Object> set = new LinkedHashMap<>();
        set.put("kafka.mode", "external");
        set.put("kafka.bootstrapServers", "broker-0.kafka.example.svc.cluster.local:9092");
        set.put("minio.enabled", "false");
        set.put("s3.endpoint", "https://s3.eu-west-1.amazonaws.com");
        set.put("s3.existingSecret", "my-s3");
        List<Resource> rs = render(List.of(), set);
        assertTrue(rs.stream().noneMatch(r -> r.kind().equals("StatefulSet")), "nothing bundled");
        assertTrue(rs.stream().noneMatch(r -> r.kind().equals("Secret")), "the existing Secret is used");
        JsonNode data = find(rs, "ConfigMap", "genrestack-config").doc().path("data");
        assertEquals(
                "broker-0.kafka.example.svc.cluster.local:9092",
                data.path("KAFKA_BOOTSTRAP_SERVERS").asText());
        assertEquals(
                "https://s3.eu-west-1.amazonaws.com",
                data.path("GENRESTACK_S3_ENDPOINT").asText());
        JsonNode c = container(find(rs, "Deployment", "evaluator-service").doc(), "evaluator-service");
        assertTrue(c.path("env").toString().contains("\"name\":\"my-s3\""), "S3 keys from the existing Secret");
        // external without an address is refused at render time, not deployed broken.
        assertThrows(RuntimeException.class, () -> render(List.of(), Map.of("kafka.mode", "external")));
    }

    /**
     * Kafka client security values become the Kafka client's own settings in env form, credentials only from Secrets,
     * the trust store mounted from its Secret (common's KafkaSecurity reads them).
     */
    @Test
    void kafkaSecurityValuesRenderAsClientSettingsFromSecrets() {
        Map<String, Object> set = new LinkedHashMap<>();
        set.put("kafka.mode", "external");
        set.put("kafka.bootstrapServers", "my-kafka-bootstrap.kafka.svc.cluster.local:9093");
        set.put("kafka.security.protocol", "SASL_SSL");
        set.put("kafka.security.saslMechanism", "SCRAM-SHA-512");
        set.put("kafka.security.jaasConfigSecret.name", "genrestack-kafka-user");
        set.put("kafka.security.truststoreSecret.name", "my-cluster-ca-cert");
        set.put("kafka.security.truststoreSecret.key", "ca.p12");
        set.put("kafka.security.truststoreSecret.type", "PKCS12");
        set.put("kafka.security.truststoreSecret.passwordKey", "ca.password");
        List<Resource> rs = render(List.of(), set);
        for (String m : DeployFiles.serviceModules(root)) {
            JsonNode dep = find(rs, "Deployment", m).doc();
            JsonNode c = container(dep, m);
            Map<String, JsonNode> env = new HashMap<>();
            c.path("env").forEach(e -> env.put(e.path("name").asText(), e));
            assertEquals(
                    "SASL_SSL", env.get("KAFKA_SECURITY_PROTOCOL").path("value").asText(), m);
            assertEquals(
                    "SCRAM-SHA-512",
                    env.get("KAFKA_SASL_MECHANISM").path("value").asText(),
                    m);
            assertEquals(
                    "genrestack-kafka-user",
                    env.get("KAFKA_SASL_JAAS_CONFIG")
                            .path("valueFrom")
                            .path("secretKeyRef")
                            .path("name")
                            .asText(),
                    m + ": JAAS config from its Secret");
            assertEquals(
                    "my-cluster-ca-cert",
                    env.get("KAFKA_SSL_TRUSTSTORE_PASSWORD")
                            .path("valueFrom")
                            .path("secretKeyRef")
                            .path("name")
                            .asText(),
                    m + ": trust store password from its Secret");
            String location =
                    env.get("KAFKA_SSL_TRUSTSTORE_LOCATION").path("value").asText();
            String mountedAt = null;
            for (JsonNode vm : c.path("volumeMounts")) {
                if (location.startsWith(vm.path("mountPath").asText() + "/")) {
                    mountedAt = vm.path("name").asText();
                }
            }
            assertNotNull(mountedAt, m + ": the trust store " + location + " is on no volume");
            boolean fromSecret = false;
            for (JsonNode v : Kustomize.podSpec(dep).path("volumes")) {
                fromSecret |= v.path("name").asText().equals(mountedAt)
                        && v.path("secret").path("secretName").asText().equals("my-cluster-ca-cert");
            }
            assertTrue(fromSecret, m + ": trust store volume from the CA Secret");
        }
        // PLAINTEXT (the default) renders none of them.
        JsonNode plain =
                container(find(defaults(), "Deployment", "scaler-service").doc(), "scaler-service");
        assertFalse(plain.path("env").toString().contains("KAFKA_SECURITY_PROTOCOL"));
    }

    @Test
    void theServiceMonitorIsOptionalAndScrapesEveryService() {
        List<Resource> rs = render(List.of(), Map.of("serviceMonitor.enabled", "true"));
        JsonNode sm = find(rs, "ServiceMonitor", "genrestack").doc().path("spec");
        assertEquals("/q/metrics", sm.path("endpoints").get(0).path("path").asText());
        String port = sm.path("endpoints").get(0).path("port").asText();
        Set<String> scraped = new TreeSet<>();
        for (Resource r : rs) {
            if (!r.kind().equals("Service")) {
                continue;
            }
            JsonNode labels = r.doc().path("metadata").path("labels");
            Map<String, String> want = new HashMap<>();
            sm.path("selector")
                    .path("matchLabels")
                    .fields()
                    .forEachRemaining(e -> want.put(e.getKey(), e.getValue().asText()));
            if (want.entrySet().stream()
                    .allMatch(e -> e.getValue().equals(labels.path(e.getKey()).asText()))) {
                assertTrue(
                        r.doc().path("spec").path("ports").toString().contains("\"name\":\"" + port + "\""),
                        r.name() + ": no port " + port);
                scraped.add(r.name());
            }
        }
        assertEquals(new TreeSet<>(DeployFiles.serviceModules(root)), scraped);
    }
}
