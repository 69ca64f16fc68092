package io.genrestack.deploy.checks;

import com.fasterxml.jackson.databind.JsonNode;
import io.genrestack.common.Topics;
import io.genrestack.common.kafka.TopicAdmin;
import io.genrestack.deploy.checks.Kustomize.Resource;
import org.apache.kafka.clients.admin.NewTopic;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The kustomize tree under deploy/ against the code: every YAML parses, every kustomization names existing files,
 * one Deployment + Service per service module on its declared port with probes on the real health endpoints,
 * resources requested and limited, only the trainer and the stacker on a GPU (and not in the cpu overlay), every
 * referenced ConfigMap / Secret / key / claim defined, every configuration variable read by the code, credentials
 * only from files the user provides, and the autoscaling examples matching the job topic and its consumer group.
 */
class KubernetesManifestsTest {
    private static final String GPU = "nvidia.com/gpu";

    private final Path root = DeployFiles.repoRoot();
    private final Path deploy = root.resolve("deploy");
    private final List<Resource> base = Kustomize.build(deploy.resolve("base"));
    private final List<Resource> scaling = Kustomize.build(deploy.resolve("autoscaling"));

    /** The YAML files of the kustomize tree (the Helm chart's templates and the checks module are not plain YAML). */
    private List<Path> kustomizeYaml() {
        List<Path> out = new ArrayList<>();
        for (String dir : List.of("base", "overlays", "autoscaling", "examples")) {
            out.addAll(DeployFiles.yamlFiles(deploy.resolve(dir)));
        }
        return out;
    }

    static Resource find(List<Resource> in, String kind, String name) {
        return in.stream()
                .filter(r -> r.kind().equals(kind) && r.name().equals(name))
                .findFirst()
                .orElseThrow(() -> new AssertionError("no " + kind + " " + name));
    }

    @Test
    void everyYamlUnderDeployParses() {
        List<Path> files = kustomizeYaml();
        assertTrue(files.size() >= 10, files::toString);
        for (Path f : files) {
            List<JsonNode> docs = DeployFiles.documents(f);
            assertFalse(docs.isEmpty(), f + " is empty");
            for (JsonNode d : docs) {
                if (d.isArray()) { // a JSON 6902 patch
                    for (JsonNode op : d) {
                        assertTrue(op.has("op") && op.path("path").asText().startsWith("/"), f + ": " + op);
                    }
                    continue;
                }
                assertTrue(d.hasNonNull("apiVersion") && d.hasNonNull("kind"), f + ": apiVersion/kind missing");
                if (!d.path("kind").asText().equals("Kustomization")) {
                    assertFalse(d.path("metadata").path("name").asText().isEmpty(), f + ": metadata.name missing");
                }
            }
        }
    }

    @Test
    void kustomizationsNameExistingFilesAndTheBaseLeavesNoFileOut() {
        for (Path f : kustomizeYaml()) {
            if (!f.getFileName().toString().equals("kustomization.yaml")) {
                continue;
            }
            JsonNode k = DeployFiles.document(f);
            Path dir = f.getParent();
            for (JsonNode r : k.path("resources")) {
                Path p = dir.resolve(r.asText()).normalize();
                assertTrue(
                        Files.isRegularFile(p) || Files.isRegularFile(p.resolve("kustomization.yaml")),
                        f + " names missing " + r.asText());
            }
            for (JsonNode p : k.path("patches")) {
                assertTrue(Files.isRegularFile(dir.resolve(p.path("path").asText())), f + ": patch " + p);
            }
        }
        Set<String> listed = new HashSet<>();
        DeployFiles.document(deploy.resolve("base/kustomization.yaml"))
                .path("resources")
                .forEach(r -> listed.add(r.asText()));
        for (Path f : DeployFiles.yamlFiles(deploy.resolve("base"))) {
            String rel = deploy.resolve("base").relativize(f).toString();
            assertTrue(
                    rel.equals("kustomization.yaml") || listed.contains(rel),
                    "deploy/base/" + rel + " not in kustomization");
        }
        assertEquals(
                "genrestack",
                DeployFiles.document(deploy.resolve("base/kustomization.yaml"))
                        .path("namespace")
                        .asText());
        find(base, "Namespace", "genrestack");
    }

    @Test
    void everyServiceHasADeploymentAndAServiceOnItsDeclaredPort() {
        for (String m : DeployFiles.serviceModules(root)) {
            int port = DeployFiles.httpPort(root, m);
            JsonNode dep = find(base, "Deployment", m).doc();
            JsonNode labels = dep.path("spec").path("template").path("metadata").path("labels");
            dep.path("spec")
                    .path("selector")
                    .path("matchLabels")
                    .fields()
                    .forEachRemaining(
                            e -> assertEquals(e.getValue(), labels.path(e.getKey()), m + ": selector vs pod labels"));
            JsonNode c = container(dep, m);
            assertTrue(c.path("image").asText().startsWith("genrestack/" + m + ":"), m + ": image " + c.path("image"));
            assertEquals(port, containerPort(c, "http"), m + ": containerPort");

            JsonNode svc = find(base, "Service", m).doc();
            svc.path("spec")
                    .path("selector")
                    .fields()
                    .forEachRemaining(
                            e -> assertEquals(e.getValue(), labels.path(e.getKey()), m + ": Service selector"));
            JsonNode sp = svc.path("spec").path("ports").get(0);
            assertEquals(port, sp.path("port").asInt(), m + ": Service port");
            assertEquals(port, resolvePort(c, sp.path("targetPort")), m + ": Service targetPort");
        }
    }

    @Test
    void probesHitTheHealthEndpointsOnTheServicePort() {
        for (String m : DeployFiles.serviceModules(root)) {
            int port = DeployFiles.httpPort(root, m);
            JsonNode c = container(find(base, "Deployment", m).doc(), m);
            Map<String, String> expected =
                    Map.of("readinessProbe", "/q/health/ready", "livenessProbe", "/q/health/live");
            for (var e : expected.entrySet()) {
                JsonNode get = c.path(e.getKey()).path("httpGet");
                assertEquals(e.getValue(), get.path("path").asText(), m + ": " + e.getKey());
                assertEquals(port, resolvePort(c, get.path("port")), m + ": " + e.getKey() + " port");
            }
            JsonNode startup = c.path("startupProbe").path("httpGet");
            assertEquals("/q/health/started", startup.path("path").asText(), m + ": startupProbe");
            assertEquals(port, resolvePort(c, startup.path("port")), m + ": startupProbe port");
        }
    }

    /**
     * Every long-running container has a startupProbe (the liveness probe only starts after it), and the broker's
     * leaves time for a log recovery: at least 10 minutes.
     */
    @Test
    void everyWorkloadHasAStartupProbeAndKafkaWaitsForLogRecovery() {
        List<Resource> all = new ArrayList<>(base);
        all.addAll(scaling);
        for (Resource r : all) {
            if (!r.kind().equals("Deployment") && !r.kind().equals("StatefulSet")) {
                continue;
            }
            for (JsonNode c : Kustomize.podSpec(r.doc()).path("containers")) {
                JsonNode sp = c.path("startupProbe");
                assertTrue(sp.isObject(), r.kind() + " " + r.name() + ": no startupProbe");
                if (c.has("livenessProbe")) {
                    assertFalse(
                            c.path("livenessProbe").has("initialDelaySeconds")
                                    && sp.isObject()
                                    && c.path("livenessProbe")
                                                    .path("initialDelaySeconds")
                                                    .asInt()
                                            > 0,
                            r.name() + ": initialDelaySeconds on the liveness probe is the startup probe's job");
                }
            }
        }
        JsonNode kafka =
                container(find(base, "StatefulSet", "kafka").doc(), "kafka").path("startupProbe");
        int budget = kafka.path("periodSeconds").asInt(10)
                * kafka.path("failureThreshold").asInt(3);
        assertTrue(budget >= 600, "kafka startupProbe allows only " + budget + " s of log recovery");
    }

    /**
     * A StatefulSet's serviceName must be a headless Service selecting its pods, or the pods get no stable DNS name.
     */
    @Test
    void statefulSetsAreGovernedByHeadlessServices() {
        List<Resource> sets =
                base.stream().filter(r -> r.kind().equals("StatefulSet")).toList();
        assertEquals(2, sets.size(), "kafka and minio");
        for (Resource ss : sets) {
            String serviceName = ss.doc().path("spec").path("serviceName").asText();
            JsonNode svc = find(base, "Service", serviceName).doc();
            assertEquals(
                    "None",
                    svc.path("spec").path("clusterIP").asText(),
                    ss.name() + ": " + serviceName + " is not headless (clusterIP: None)");
            JsonNode labels =
                    ss.doc().path("spec").path("template").path("metadata").path("labels");
            svc.path("spec")
                    .path("selector")
                    .fields()
                    .forEachRemaining(e -> assertEquals(
                            e.getValue(),
                            labels.path(e.getKey()),
                            serviceName + " does not select the pods of " + ss.name()));
        }
    }

    /**
     * A Deployment an autoscaler owns must not set replicas: `kubectl apply -k` would reset the count on every apply
     * (and kill trainers mid-job). Deployments nobody autoscales may.
     */
    @Test
    void autoscaledDeploymentsSetNoReplicas() {
        List<Resource> all = new ArrayList<>(base);
        all.addAll(scaling);
        Set<String> targets = autoscalerTargets(scaling);
        assertTrue(targets.contains("trainer-service"), targets::toString);
        for (String t : targets) {
            JsonNode dep = find(all, "Deployment", t).doc();
            assertTrue(
                    dep.path("spec").path("replicas").isMissingNode(),
                    "autoscaled Deployment " + t + " sets replicas: "
                            + dep.path("spec").path("replicas"));
        }
        for (Path f : List.of(deploy.resolve("overlays/cpu"))) {
            for (Resource r : Kustomize.build(f)) {
                if (r.kind().equals("Deployment") && targets.contains(r.name())) {
                    assertTrue(r.doc().path("spec").path("replicas").isMissingNode(), f + ": " + r.name());
                }
            }
        }
    }

    /**
     * Autoscaling on CPU is only for REST-only pods: a Deployment that runs a stage's job worker spends its CPU on jobs
     * (the stacker trains), so a CPU autoscaler would add idle standbys for every job.
     */
    @Test
    void noCpuAutoscalerOnAJobWorker() {
        List<Resource> all = new ArrayList<>(base);
        all.addAll(scaling);
        for (Resource hpa : scaling) {
            if (!hpa.kind().equals("HorizontalPodAutoscaler")) {
                continue;
            }
            boolean cpu = hpa.doc().path("spec").path("metrics").toString().contains("\"name\":\"cpu\"");
            if (!cpu) {
                continue;
            }
            String target =
                    hpa.doc().path("spec").path("scaleTargetRef").path("name").asText();
            Resource dep = find(all, "Deployment", target);
            for (JsonNode c : Kustomize.podSpec(dep.doc()).path("containers")) {
                assertEquals(
                        "false",
                        environmentIn(all, c).get("GENRESTACK_PLATFORM_WORKER_ENABLED"),
                        "HPA " + hpa.name() + " scales " + target + " on CPU, but it runs a job worker");
            }
        }
    }

    /**
     * KEDA's Kafka scaler runs in the keda-operator pod, in KEDA's namespace, and the broker hands every client its
     * advertised listener: both must be fully qualified service names of this installation's namespace.
     */
    @Test
    void kafkaAddressesAreFullyQualified() {
        String ns = DeployFiles.document(deploy.resolve("base/kustomization.yaml"))
                .path("namespace")
                .asText();
        for (Resource so : scaling) {
            if (!so.kind().equals("ScaledObject")) {
                continue;
            }
            for (JsonNode trig : so.doc().path("spec").path("triggers")) {
                if (trig.path("type").asText().equals("kafka")) {
                    for (String server : trig.path("metadata")
                            .path("bootstrapServers")
                            .asText()
                            .split(",")) {
                        assertServiceAddress(base, server.trim(), ns, "ScaledObject " + so.name());
                    }
                }
            }
        }
        JsonNode kafka = container(find(base, "StatefulSet", "kafka").doc(), "kafka");
        Map<String, String> env = environment(kafka);
        String advertised = env.get("KAFKA_ADVERTISED_LISTENERS");
        assertNotNull(advertised, "kafka: KAFKA_ADVERTISED_LISTENERS");
        // $(VAR) references are expanded by the kubelet from the env list (downward API): expand them like it does.
        for (JsonNode e : kafka.path("env")) {
            String field =
                    e.path("valueFrom").path("fieldRef").path("fieldPath").asText("");
            String value = switch (field) {
                case "metadata.name" -> "kafka-0";
                case "metadata.namespace" -> ns;
                default -> e.path("value").asText("");
            };
            advertised = advertised.replace("$(" + e.path("name").asText() + ")", value);
        }
        for (String listener : advertised.split(",")) {
            String hostPort = listener.substring(listener.indexOf("://") + 3);
            String host = hostPort.substring(0, hostPort.lastIndexOf(':'));
            if (host.startsWith("kafka-0.")) { // the pod's own name under the headless Service
                assertServiceAddress(base, hostPort.substring("kafka-0.".length()), ns, "kafka advertised listener");
                assertEquals(
                        find(base, "StatefulSet", "kafka")
                                .doc()
                                .path("spec")
                                .path("serviceName")
                                .asText(),
                        host.split("\\.")[1],
                        "the pod name lives under the StatefulSet's governing Service");
            } else {
                assertServiceAddress(base, hostPort, ns, "kafka advertised listener");
            }
        }
        String bootstrap = find(base, "ConfigMap", "genrestack-config")
                .doc()
                .path("data")
                .path("KAFKA_BOOTSTRAP_SERVERS")
                .asText();
        assertServiceAddress(base, bootstrap, ns, "genrestack-config KAFKA_BOOTSTRAP_SERVERS");
    }

    /** host:port must be {@code <service>.<ns>.svc.cluster.local:<port>} of a Service in the base exposing the port. */
    static void assertServiceAddress(List<Resource> in, String hostPort, String ns, String where) {
        java.util.regex.Matcher m = Pattern.compile("([a-z0-9-]+)\\.([a-z0-9-]+)\\.svc\\.cluster\\.local:(\\d+)")
                .matcher(hostPort);
        assertTrue(m.matches(), where + ": " + hostPort + " is not a fully qualified service address");
        assertEquals(ns, m.group(2), where + ": namespace");
        JsonNode svc = find(in, "Service", m.group(1)).doc();
        boolean port = false;
        for (JsonNode p : svc.path("spec").path("ports")) {
            port |= p.path("port").asInt() == Integer.parseInt(m.group(3));
        }
        assertTrue(port, where + ": Service " + m.group(1) + " has no port " + m.group(3));
    }

    /** KEDA's cooldownPeriod only acts when scaling to zero; the scale-down window belongs in the HPA behavior. */
    @Test
    void theTrainersScaleDownWindowIsOneThatActs() {
        JsonNode spec = find(scaling, "ScaledObject", "trainer-service").doc().path("spec");
        int min = spec.path("minReplicaCount").asInt(0);
        assertTrue(
                min == 0 || spec.path("cooldownPeriod").isMissingNode(),
                "cooldownPeriod has no effect with minReplicaCount " + min);
        JsonNode down = spec.path("advanced")
                .path("horizontalPodAutoscalerConfig")
                .path("behavior")
                .path("scaleDown");
        assertTrue(down.path("stabilizationWindowSeconds").asInt() >= 600, "trainer scale-down window: " + down);
    }

    static Set<String> autoscalerTargets(List<Resource> rs) {
        Set<String> out = new java.util.TreeSet<>();
        for (Resource r : rs) {
            if (r.kind().equals("ScaledObject") || r.kind().equals("HorizontalPodAutoscaler")) {
                out.add(r.doc().path("spec").path("scaleTargetRef").path("name").asText());
            }
        }
        return out;
    }

    @Test
    void everyContainerRequestsAndLimitsResources() {
        List<Resource> all = new ArrayList<>(base);
        all.addAll(scaling);
        for (Resource r : all) {
            for (JsonNode c : Kustomize.containers(r.doc())) {
                JsonNode res = c.path("resources");
                String what = r.kind() + " " + r.name() + "/" + c.path("name").asText();
                assertTrue(
                        res.path("requests").has("cpu") && res.path("requests").has("memory"), what + ": requests");
                assertTrue(res.path("limits").has("memory"), what + ": memory limit");
            }
        }
    }

    @Test
    void onlyTheTrainerAndTheStackerAskForAGpu() {
        List<String> gpuUsers = gpuContainers(base);
        assertEquals(List.of("trainer-service/trainer-service", "stacker-service/stacker-service"), gpuUsers);
        for (var g : ComposeFileTest.GPU_SERVICES.entrySet()) {
            String m = g.getKey();
            JsonNode dep = find(base, "Deployment", m).doc();
            JsonNode c = container(dep, m);
            assertEquals(1, c.path("resources").path("limits").path(GPU).asInt(), m);
            assertTrue(c.path("image").asText().endsWith("-cuda"), m + ": the CUDA image, got " + c.path("image"));
            assertEquals("gpu", environment(c).get(g.getValue()), m + ": device");
            JsonNode pod = Kustomize.podSpec(dep);
            assertFalse(pod.path("nodeSelector").isEmpty(), m + ": GPU nodeSelector example");
            assertTrue(pod.path("tolerations").toString().contains(GPU), m + ": GPU toleration example");
            // One GPU per pod: a rolling update must not need a spare one.
            assertEquals(
                    0,
                    dep.path("spec")
                            .path("strategy")
                            .path("rollingUpdate")
                            .path("maxSurge")
                            .asInt(-1),
                    m + ": maxSurge 0");
        }
        JsonNode trainer = find(base, "Deployment", "trainer-service").doc();
        JsonNode c = container(trainer, "trainer-service");
        JsonNode pod = Kustomize.podSpec(trainer);
        // The work directory the trainer is told to use is a sized emptyDir.
        String workDir = environment(c).getOrDefault("GENRESTACK_PLATFORM_WORK_DIR", "");
        assertFalse(workDir.isEmpty(), "trainer: GENRESTACK_PLATFORM_WORK_DIR");
        String volume = null;
        for (JsonNode vm : c.path("volumeMounts")) {
            if (vm.path("mountPath").asText().equals(workDir)) {
                volume = vm.path("name").asText();
            }
        }
        assertNotNull(volume, "trainer: no volume mounted at " + workDir);
        for (JsonNode v : pod.path("volumes")) {
            if (v.path("name").asText().equals(volume)) {
                assertTrue(v.path("emptyDir").has("sizeLimit"), "trainer: work volume must be a sized emptyDir");
            }
        }
        // The /predict tier (autoscaling) and the examples stay on the CPU.
        for (String dir : List.of("autoscaling", "examples")) {
            for (Path f : DeployFiles.yamlFiles(deploy.resolve(dir))) {
                assertFalse(DeployFiles.read(f).contains(GPU + ":"), f + " requests a GPU");
            }
        }
    }

    @Test
    void theCpuOverlayRemovesTheGpuAndSwitchesTheDevice() {
        List<Resource> cpu = Kustomize.build(deploy.resolve("overlays/cpu"));
        assertEquals(base.size(), cpu.size());
        assertEquals(List.of(), gpuContainers(cpu));
        for (var g : ComposeFileTest.GPU_SERVICES.entrySet()) {
            String m = g.getKey();
            JsonNode pod = Kustomize.podSpec(find(cpu, "Deployment", m).doc());
            assertTrue(
                    pod.path("nodeSelector").isMissingNode()
                            && pod.path("tolerations").isMissingNode(),
                    m + ": cpu overlay: no GPU placement");
            JsonNode c = container(find(cpu, "Deployment", m).doc(), m);
            assertEquals("cpu", environmentIn(cpu, c).get(g.getValue()), m + ": cpu overlay device");
            assertFalse(
                    c.path("image").asText().endsWith("-cuda"), m + ": cpu overlay: JVM image, got " + c.path("image"));
        }
        for (String m : DeployFiles.serviceModules(root)) {
            if (!ComposeFileTest.GPU_SERVICES.containsKey(m)) {
                assertEquals(
                        find(base, "Deployment", m).doc(),
                        find(cpu, "Deployment", m).doc(),
                        m + " changed");
            }
        }
    }

    @Test
    void referencedConfigMapsSecretsKeysAndClaimsExist() {
        List<Resource> all = new ArrayList<>(base);
        for (Path f : DeployFiles.yamlFiles(deploy.resolve("examples"))) {
            DeployFiles.documents(f)
                    .forEach(d -> all.add(new Resource(f, (com.fasterxml.jackson.databind.node.ObjectNode) d)));
        }
        List<String> problems = new ArrayList<>();
        for (Resource r : all) {
            JsonNode pod = Kustomize.podSpec(r.doc());
            for (JsonNode c : Kustomize.containers(r.doc())) {
                for (JsonNode ef : c.path("envFrom")) {
                    check(problems, r, ef.path("configMapRef").path("name"), "ConfigMap", null);
                    check(problems, r, ef.path("secretRef").path("name"), "Secret", null);
                }
                for (JsonNode e : c.path("env")) {
                    JsonNode sk = e.path("valueFrom").path("secretKeyRef");
                    check(problems, r, sk.path("name"), "Secret", sk.path("key").asText(null));
                    JsonNode ck = e.path("valueFrom").path("configMapKeyRef");
                    check(
                            problems,
                            r,
                            ck.path("name"),
                            "ConfigMap",
                            ck.path("key").asText(null));
                }
            }
            for (JsonNode v : pod.path("volumes")) {
                check(problems, r, v.path("persistentVolumeClaim").path("claimName"), "PersistentVolumeClaim", null);
                check(problems, r, v.path("configMap").path("name"), "ConfigMap", null);
                check(problems, r, v.path("secret").path("secretName"), "Secret", null);
            }
        }
        List<Resource> installed = new ArrayList<>(base);
        installed.addAll(scaling);
        for (Resource r : scaling) {
            JsonNode ref = r.doc().path("spec").path("scaleTargetRef");
            if (ref.isMissingNode()) {
                continue;
            }
            assertEquals("Deployment", ref.path("kind").asText(), r.name());
            find(installed, "Deployment", ref.path("name").asText());
        }
        assertTrue(problems.isEmpty(), String.join("\n", problems));
    }

    private void check(List<String> problems, Resource from, JsonNode name, String kind, String key) {
        if (name.isMissingNode() || name.isNull()) {
            return;
        }
        var target = base.stream()
                .filter(r -> r.kind().equals(kind) && r.name().equals(name.asText()))
                .findFirst();
        if (target.isEmpty()) {
            problems.add(from.kind() + " " + from.name() + " references missing " + kind + " " + name.asText());
        } else if (key != null
                && !target.get().doc().path("data").has(key)
                && !target.get().doc().path("stringData").has(key)) {
            problems.add(from.kind() + " " + from.name() + " references missing key " + key + " of " + name.asText());
        }
    }

    @Test
    void everyConfigVariableMapsToAKeyTheServiceReads() {
        List<String> problems = new ArrayList<>();
        for (String m : DeployFiles.serviceModules(root)) {
            JsonNode c = container(find(base, "Deployment", m).doc(), m);
            problems.addAll(EnvCheck.unmapped(root, m, environment(c).keySet(), "deploy/base " + m));
        }
        JsonNode predict =
                container(find(scaling, "Deployment", "stacker-predict").doc(), "stacker-service");
        problems.addAll(EnvCheck.unmapped(
                root,
                "stacker-service",
                environmentIn(scaling, predict).keySet(),
                "deploy/autoscaling stacker-predict"));
        assertTrue(problems.isEmpty(), String.join("\n", problems));
    }

    /**
     * No credential is committed: the base's Secrets come from a secretGenerator reading files under
     * deploy/base/secrets/ that git ignores and the user creates (documented), the examples hold no value, and no
     * Secret is written out in any manifest; credentials reach containers only through secretKeyRef.
     */
    @Test
    void credentialsComeOnlyFromFilesTheUserProvides() throws Exception {
        String docs = DeployFiles.read(root.resolve("docs/deployment.md"));
        Path secrets = deploy.resolve("base/secrets");
        String ignore = DeployFiles.read(secrets.resolve(".gitignore"));
        for (Path f : DeployFiles.yamlFiles(deploy)) {
            if (f.startsWith(deploy.resolve("helm")) || f.startsWith(deploy.resolve("checks"))) {
                continue;
            }
            for (JsonNode d : DeployFiles.documents(f)) {
                assertFalse(
                        d.path("kind").asText().equals("Secret") && (d.has("data") || d.has("stringData")),
                        f + ": a Secret with values in the repository");
            }
        }
        JsonNode kustomization = DeployFiles.document(deploy.resolve("base/kustomization.yaml"));
        List<String> generated = new ArrayList<>();
        for (JsonNode gen : kustomization.path("secretGenerator")) {
            generated.add(gen.path("name").asText());
            List<String> sources = new ArrayList<>();
            gen.path("envs").forEach(e -> sources.add(e.asText()));
            gen.path("files")
                    .forEach(e -> sources.add(e.asText().substring(e.asText().indexOf('=') + 1)));
            assertFalse(sources.isEmpty(), gen + ": no source");
            assertTrue(gen.path("literals").isMissingNode(), gen + ": literals would be committed credentials");
            for (String src : sources) {
                Path p = deploy.resolve("base").resolve(src).normalize();
                assertTrue(p.startsWith(secrets), src + " must live in deploy/base/secrets/");
                String name = p.getFileName().toString();
                assertTrue(
                        ignore.lines()
                                .anyMatch(l -> l.equals(name) || (l.startsWith("*") && name.endsWith(l.substring(1)))),
                        name + " is not ignored by deploy/base/secrets/.gitignore");
                assertTrue(docs.contains(name), name + " not documented in docs/deployment.md");
                Process git = new ProcessBuilder(
                                "git", "-C", root.toString(), "ls-files", "--error-unmatch", p.toString())
                        .redirectErrorStream(true)
                        .start();
                git.getInputStream().readAllBytes();
                if (git.waitFor() == 0) {
                    throw new AssertionError(p + " is committed");
                }
            }
        }
        assertEquals(List.of("genrestack-s3", "genrestack-jwt"), generated);
        for (String line : DeployFiles.read(secrets.resolve("s3.env.example")).split("\n")) {
            int eq = line.indexOf('=');
            if (!line.startsWith("#") && eq > 0) {
                assertEquals("", line.substring(eq + 1).strip(), "s3.env.example holds a value: " + line);
            }
        }
        List<Resource> everything = new ArrayList<>(base);
        everything.addAll(Kustomize.build(deploy.resolve("autoscaling")));
        for (Resource r : everything) {
            for (JsonNode c : Kustomize.containers(r.doc())) {
                for (JsonNode e : c.path("env")) {
                    if (ComposeFileTest.isCredential(e.path("name").asText())) {
                        assertTrue(
                                e.path("value").isMissingNode(),
                                r.name() + ": " + e.path("name").asText() + " must come from a Secret (valueFrom)");
                    }
                }
            }
            if (r.kind().equals("ConfigMap")) {
                r.doc()
                        .path("data")
                        .fieldNames()
                        .forEachRemaining(k -> assertFalse(
                                ComposeFileTest.isCredential(k), "ConfigMap " + r.name() + " holds credential " + k));
            }
        }
    }

    @Test
    void trainerAutoscalingFollowsTheJobTopicAndItsConsumerGroup() throws IOException {
        String topic = Topics.jobs(Topics.STAGE_TRAINER);
        int partitions = TopicAdmin.plan(12, (short) 1).stream()
                .filter(t -> t.name().equals(topic))
                .mapToInt(NewTopic::numPartitions)
                .findFirst()
                .orElseThrow();
        String worker =
                Files.readString(root.resolve("common/src/main/java/io/genrestack/common/kafka/JobWorker.java"));
        assertTrue(
                Pattern.compile("groupConsumer\\([^,]+,\\s*\"genrestack-\"\\s*\\+\\s*stage")
                        .matcher(worker)
                        .find(),
                "JobWorker no longer names its group genrestack-<stage>: update the ScaledObject");
        JsonNode so = find(scaling, "ScaledObject", "trainer-service").doc();
        assertEquals(
                "trainer-service",
                so.path("spec").path("scaleTargetRef").path("name").asText());
        assertTrue(
                so.path("spec").path("maxReplicaCount").asInt() <= partitions,
                "more trainers than " + topic + " partitions (" + partitions + ") would idle");
        JsonNode trig = so.path("spec").path("triggers").get(0);
        assertEquals("kafka", trig.path("type").asText());
        assertEquals(topic, trig.path("metadata").path("topic").asText());
        assertEquals(
                "genrestack-" + Topics.STAGE_TRAINER,
                trig.path("metadata").path("consumerGroup").asText());
        assertEquals(
                find(base, "ConfigMap", "genrestack-config")
                        .doc()
                        .path("data")
                        .path("KAFKA_BOOTSTRAP_SERVERS")
                        .asText(),
                trig.path("metadata").path("bootstrapServers").asText());
        JsonNode hpa =
                find(scaling, "HorizontalPodAutoscaler", "stacker-predict").doc();
        assertEquals(
                "cpu",
                hpa.path("spec")
                        .path("metrics")
                        .get(0)
                        .path("resource")
                        .path("name")
                        .asText());
        JsonNode predict =
                container(find(scaling, "Deployment", "stacker-predict").doc(), "stacker-service");
        assertTrue(predict.path("resources").path("requests").has("cpu"), "a CPU HPA needs a CPU request");
        // The stacker's JVM image (the job-running stacker has the CUDA one): /predict runs on the CPU.
        assertEquals(
                container(find(base, "Deployment", "stacker-service").doc(), "stacker-service")
                        .path("image")
                        .asText()
                        .replaceFirst("-cuda$", ""),
                predict.path("image").asText(),
                "the /predict tier runs the stacker's JVM image");
    }

    /** With kubectl installed, the real kustomize must render each kustomization, with the GPU where expected. */
    @Test
    void kubectlKustomizeRendersEveryKustomization() throws Exception {
        Assumptions.assumeTrue(onPath("kubectl"), "kubectl not installed: skipped");
        Map<String, Integer> gpuContainers =
                Map.of("base", 2, "overlays/cpu", 0, "overlays/strimzi-secure", 2, "autoscaling", 0);
        // A copy of deploy/ with the credential files a user creates (the real build fails without them).
        Path copy = Files.createTempDirectory("deploy-copy");
        try (var walk = Files.walk(deploy)) {
            for (Path src :
                    walk.filter(p -> !p.startsWith(deploy.resolve("checks"))).toList()) {
                Path dst = copy.resolve(deploy.relativize(src).toString());
                if (Files.isDirectory(src)) {
                    Files.createDirectories(dst);
                } else {
                    Files.copy(src, dst);
                }
            }
        }
        Files.writeString(copy.resolve("base/secrets/s3.env"), "access-key=test\nsecret-key=test-secret-key\n");
        Files.writeString(copy.resolve("base/secrets/jwt-public-key.pem"), "-----BEGIN PUBLIC KEY-----\n");
        for (var e : gpuContainers.entrySet()) {
            Path out = Files.createTempFile("kustomize", ".yaml");
            try {
                Process p = new ProcessBuilder(
                                "kubectl", "kustomize", copy.resolve(e.getKey()).toString())
                        .redirectErrorStream(false)
                        .redirectOutput(out.toFile())
                        .start();
                String err = new String(p.getErrorStream().readAllBytes());
                assertTrue(p.waitFor(60, TimeUnit.SECONDS), "kubectl kustomize timed out");
                assertEquals(0, p.exitValue(), "kubectl kustomize deploy/" + e.getKey() + ": " + err);
                List<Resource> rendered = new ArrayList<>();
                DeployFiles.documents(out)
                        .forEach(d ->
                                rendered.add(new Resource(out, (com.fasterxml.jackson.databind.node.ObjectNode) d)));
                assertEquals((int) e.getValue(), gpuContainers(rendered).size(), "deploy/" + e.getKey());
                for (Resource r : rendered) {
                    if (!r.kind().equals("Namespace")) {
                        assertEquals(
                                "genrestack",
                                r.doc().path("metadata").path("namespace").asText(),
                                "deploy/" + e.getKey() + ": " + r.kind() + " " + r.name());
                    }
                }
                if (!e.getKey().equals("base") && !e.getKey().equals("autoscaling")) {
                    List<Resource> mine = Kustomize.build(deploy.resolve(e.getKey()));
                    assertEquals(names(mine), names(rendered), "in-test kustomize vs kubectl");
                    assertEquals(
                            container(
                                    find(mine, "Deployment", "trainer-service").doc(), "trainer-service"),
                            container(
                                    find(rendered, "Deployment", "trainer-service")
                                            .doc(),
                                    "trainer-service"),
                            "in-test kustomize renders the trainer like kubectl");
                    assertEquals(
                            find(mine, "NetworkPolicy", "services-egress").doc().path("spec"),
                            find(rendered, "NetworkPolicy", "services-egress")
                                    .doc()
                                    .path("spec"),
                            "in-test kustomize renders the policies like kubectl");
                }
            } finally {
                Files.deleteIfExists(out);
            }
        }
    }

    private static Set<String> names(List<Resource> rs) {
        Set<String> s = new LinkedHashSet<>();
        rs.forEach(r -> s.add(r.kind() + "/" + r.name()));
        return new java.util.TreeSet<>(s);
    }

    static boolean onPath(String exe) {
        String path = System.getenv("PATH");
        if (path == null) {
            return false;
        }
        for (String dir : path.split(File.pathSeparator)) {
            if (Files.isExecutable(Path.of(dir, exe))) {
                return true;
            }
        }
        return false;
    }

    static List<String> gpuContainers(List<Resource> rs) {
        List<String> out = new ArrayList<>();
        for (Resource r : rs) {
            for (JsonNode c : Kustomize.containers(r.doc())) {
                JsonNode res = c.path("resources");
                if (res.path("limits").has(GPU) || res.path("requests").has(GPU)) {
                    out.add(r.name() + "/" + c.path("name").asText());
                }
            }
        }
        return out;
    }

    static JsonNode container(JsonNode workload, String name) {
        for (JsonNode c : Kustomize.containers(workload)) {
            if (c.path("name").asText().equals(name)) {
                return c;
            }
        }
        throw new AssertionError("no container " + name);
    }

    static int containerPort(JsonNode container, String name) {
        for (JsonNode p : container.path("ports")) {
            if (p.path("name").asText().equals(name)) {
                return p.path("containerPort").asInt();
            }
        }
        throw new AssertionError("no port named " + name + " in " + container.path("name"));
    }

    /** A probe / targetPort: a number, or the name of one of the container's ports. */
    static int resolvePort(JsonNode container, JsonNode port) {
        return port.isInt() || port.asText().matches("\\d+") ? port.asInt() : containerPort(container, port.asText());
    }

    /** The container's variables: env[] plus the data keys of every ConfigMap / Secret it loads with envFrom. */
    private Map<String, String> environment(JsonNode container) {
        return environmentIn(base, container);
    }

    static Map<String, String> environmentIn(List<Resource> rs, JsonNode container) {
        Map<String, String> env = new java.util.LinkedHashMap<>();
        for (JsonNode ef : container.path("envFrom")) {
            for (String kind : List.of("ConfigMap", "Secret")) {
                JsonNode ref = ef.path(kind.equals("ConfigMap") ? "configMapRef" : "secretRef")
                        .path("name");
                rs.stream()
                        .filter(r -> r.kind().equals(kind) && r.name().equals(ref.asText()))
                        .forEach(r -> {
                            r.doc()
                                    .path("data")
                                    .fields()
                                    .forEachRemaining(f ->
                                            env.put(f.getKey(), f.getValue().asText()));
                            r.doc()
                                    .path("stringData")
                                    .fields()
                                    .forEachRemaining(f ->
                                            env.put(f.getKey(), f.getValue().asText()));
                        });
            }
        }
        for (JsonNode e : container.path("env")) {
            env.put(e.path("name").asText(), e.path("value").asText(null));
        }
        return env;
    }
}
