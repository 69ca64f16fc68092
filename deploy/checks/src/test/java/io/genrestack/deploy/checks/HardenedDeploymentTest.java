package io.genrestack.deploy.checks;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.genrestack.deploy.checks.Kustomize.Resource;
import io.genrestack.deploy.checks.NetworkPolicies.Pod;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The hardened deployment (docs/deployment.md, "Hardened deployment"): every pod that the kustomize tree (base,
 * overlays, autoscaling, examples) and the Helm chart (default values, values-gpu.yaml, the Strimzi option, the
 * predict tier, an external secure Kafka) render passes the Pod Security Standards "restricted" level and this
 * project's rules ({@link PodSecurity}), Strimzi's pod templates included; every installation has a default-deny
 * NetworkPolicy and a policy that allows each workload what it needs, and the policies allow exactly the intended
 * connections ({@link NetworkPolicies}). The negative tests feed deliberately bad specs to both checkers: every
 * rule fires.
 */
class HardenedDeploymentTest {
    private static final String NS = "genrestack";
    private static final List<String> SERVICES =
            List.of("extractor-service", "scaler-service", "trainer-service", "stacker-service", "evaluator-service");
    private static final Set<String> REST = Set.of("extractor-service", "stacker-service", "evaluator-service");

    private final Path root = DeployFiles.repoRoot();
    private final Path deploy = root.resolve("deploy");
    private final Path chart = deploy.resolve("helm/genrestack");

    /** A rendered installation: what one `kubectl apply -k` / `helm install` (plus what it builds on) creates. */
    private record Installation(String name, List<Resource> resources) {}

    private List<Resource> kustomize(String dir) {
        return Kustomize.build(deploy.resolve(dir));
    }

    private List<Resource> helm(List<String> valuesFiles, Map<String, Object> set) {
        return HelmChartTest.resources(chart, valuesFiles, set);
    }

    private static Map<String, Object> externalSecure() {
        Map<String, Object> set = new LinkedHashMap<>();
        set.put("kafka.mode", "external");
        set.put("kafka.bootstrapServers", "my-kafka-bootstrap.kafka.svc.cluster.local:9093");
        set.put("kafka.security.protocol", "SASL_SSL");
        set.put("kafka.security.saslMechanism", "SCRAM-SHA-512");
        set.put("kafka.security.jaasConfigSecret.name", "genrestack-kafka-user");
        set.put("kafka.security.truststoreSecret.name", "my-cluster-ca-cert");
        set.put("minio.enabled", "false");
        set.put("s3.endpoint", "https://s3.internal.example:9000");
        set.put("s3.existingSecret", "my-s3");
        set.put("s3.caSecret.name", "my-s3-ca");
        set.put("auth.publicKeySecret.name", "my-jwt-key");
        return set;
    }

    /** Every installation the repository describes. */
    private List<Installation> installations() {
        List<Installation> out = new ArrayList<>();
        out.add(new Installation("deploy/base", kustomize("base")));
        out.add(new Installation("deploy/overlays/cpu", kustomize("overlays/cpu")));
        out.add(new Installation("deploy/overlays/strimzi-secure", kustomize("overlays/strimzi-secure")));
        List<Resource> scaled = new ArrayList<>(kustomize("base"));
        scaled.addAll(kustomize("autoscaling"));
        out.add(new Installation("deploy/base + deploy/autoscaling", scaled));
        out.add(new Installation("helm default", helm(List.of(), Map.of())));
        out.add(new Installation("helm values-gpu.yaml", helm(List.of("values-gpu.yaml"), Map.of())));
        out.add(new Installation("helm strimzi", helm(List.of(), Map.of("kafka.mode", "strimzi"))));
        out.add(new Installation(
                "helm strimzi + values-gpu.yaml", helm(List.of("values-gpu.yaml"), Map.of("kafka.mode", "strimzi"))));
        out.add(new Installation(
                "helm strimzi plaintext",
                helm(List.of(), Map.of("kafka.mode", "strimzi", "kafka.strimzi.secure", "false"))));
        out.add(new Installation(
                "helm predict tier",
                helm(List.of(), Map.of("autoscaling.predict.enabled", "true", "serviceMonitor.enabled", "true"))));
        out.add(new Installation("helm external secure", helm(List.of(), externalSecure())));
        return out;
    }

    private static boolean isWorkload(Resource r) {
        return Set.of("Deployment", "StatefulSet", "DaemonSet", "Job", "Pod").contains(r.kind());
    }

    private static JsonNode podAnnotations(Resource r) {
        return r.kind().equals("Pod")
                ? r.doc().path("metadata").path("annotations")
                : r.doc().path("spec").path("template").path("metadata").path("annotations");
    }

    @Test
    void everyPodPassesTheRestrictedProfileWithAReadOnlyRoot() {
        List<String> problems = new ArrayList<>();
        int pods = 0;
        List<Installation> all = new ArrayList<>(installations());
        List<Resource> examples = new ArrayList<>();
        for (Path f : DeployFiles.yamlFiles(deploy.resolve("examples"))) {
            DeployFiles.documents(f).forEach(d -> examples.add(new Resource(f, (ObjectNode) d)));
        }
        all.add(new Installation("deploy/examples", examples));
        for (Installation in : all) {
            int before = pods;
            for (Resource r : in.resources()) {
                if (isWorkload(r)) {
                    pods++;
                    problems.addAll(PodSecurity.violations(
                            Kustomize.podSpec(r.doc()),
                            podAnnotations(r),
                            in.name() + " " + r.kind() + " " + r.name(),
                            PodSecurity.Scope.FULL));
                }
                pods += strimziTemplates(r, in.name(), problems);
            }
            assertTrue(pods > before, in.name() + ": no pod checked");
        }
        assertTrue(problems.isEmpty(), String.join("\n", problems));
        assertTrue(pods >= 60, "only " + pods + " pod specs checked");
    }

    /**
     * Strimzi's pods are made by its operator from the Kafka resource's templates: check the pod and container
     * securityContexts each template hands on (the brokers and the Entity Operator's two containers). Returns how
     * many pods were checked.
     */
    private static int strimziTemplates(Resource r, String where, List<String> problems) {
        if (!r.kind().equals("Kafka")) {
            return 0;
        }
        JsonNode spec = r.doc().path("spec");
        Map<String, List<String>> pods = new LinkedHashMap<>();
        pods.put("kafka", List.of("kafkaContainer"));
        pods.put("entityOperator", List.of("topicOperatorContainer", "userOperatorContainer"));
        for (var e : pods.entrySet()) {
            JsonNode template = spec.path(e.getKey()).path("template");
            ObjectNode pod = DeployFiles.YAML.createObjectNode();
            pod.set("securityContext", template.path("pod").path("securityContext"));
            ArrayNode cs = pod.putArray("containers");
            for (String c : e.getValue()) {
                cs.addObject()
                        .put("name", c)
                        .set("securityContext", template.path(c).path("securityContext"));
            }
            problems.addAll(PodSecurity.violations(
                    pod,
                    DeployFiles.YAML.createObjectNode(),
                    where + " Kafka " + r.name() + " " + e.getKey() + " template",
                    PodSecurity.Scope.SECURITY_ONLY));
        }
        return pods.size();
    }

    @Test
    void theNamespaceEnforcesTheRestrictedLevel() {
        JsonNode ns =
                KubernetesManifestsTest.find(kustomize("base"), "Namespace", NS).doc();
        JsonNode labels = ns.path("metadata").path("labels");
        assertEquals(
                "restricted", labels.path("pod-security.kubernetes.io/enforce").asText(), labels::toString);
    }

    private static Map<String, String> nsLabels(String name, Map<String, String> extra) {
        Map<String, String> m = new LinkedHashMap<>(extra);
        m.put("kubernetes.io/metadata.name", name);
        return m;
    }

    private static final Map<String, String> OWN_NS = nsLabels(NS, Map.of());

    @Test
    void everyInstallationDeniesByDefaultAndAllowsEachWorkloadWhatItNeeds() {
        Pod ingressController =
                Pod.of("ingress-nginx", nsLabels("ingress-nginx", Map.of("genrestack.io/ingress", "true")), Map.of());
        Pod prometheus = Pod.of("monitoring", nsLabels("monitoring", Map.of("genrestack.io/scrape", "true")), Map.of());
        Pod stranger = Pod.of("default", nsLabels("default", Map.of()), Map.of("app", "curl"));
        Pod keda = Pod.of("keda", nsLabels("keda", Map.of()), Map.of("app", "keda-operator"));
        for (Installation in : installations()) {
            List<Resource> rs = in.resources();
            NetworkPolicies np = new NetworkPolicies(rs, NS);
            String w = in.name();
            assertTrue(np.hasDefaultDeny(), w + ": no default-deny NetworkPolicy in namespace " + NS);
            Map<String, Pod> pods = new LinkedHashMap<>();
            for (Resource r : rs) {
                if (r.kind().equals("Deployment") || r.kind().equals("StatefulSet")) {
                    Pod p = np.pod(r.doc(), OWN_NS);
                    assertFalse(np.allowing(p).isEmpty(), w + ": no NetworkPolicy allows anything to " + r.name());
                    pods.put(r.name(), p);
                }
            }
            Pod kafka = pods.get("kafka");
            Pod minio = pods.get("minio");
            boolean strimzi = rs.stream().anyMatch(r -> r.kind().equals("Kafka"));
            Pod broker = Pod.of(
                    NS,
                    OWN_NS,
                    Map.of(
                            "strimzi.io/cluster",
                            "genrestack",
                            "strimzi.io/broker-role",
                            "true",
                            "strimzi.io/kind",
                            "Kafka"));
            boolean secureStrimzi =
                    strimzi && rs.stream().anyMatch(r -> r.kind().equals("KafkaUser"));
            List<String> names = new ArrayList<>(SERVICES);
            if (pods.containsKey("stacker-predict")) {
                names.add("stacker-predict");
            }
            for (String s : names) {
                Pod p = pods.get(s);
                int http = p.namedPorts().get("http");
                if (kafka != null) {
                    assertTrue(np.allows(p, kafka, 9092), w + ": " + s + " cannot reach Kafka");
                    assertFalse(np.allows(kafka, p, http), w + ": Kafka may call " + s);
                }
                if (strimzi) {
                    assertTrue(
                            np.egressAllows(p, broker, secureStrimzi ? 9093 : 9092),
                            w + ": " + s + " cannot reach the Strimzi brokers");
                    assertFalse(np.egressAllows(p, broker, secureStrimzi ? 9092 : 9093), w + ": other broker port");
                }
                if (minio != null) {
                    assertTrue(np.allows(p, minio, 9000), w + ": " + s + " cannot reach MinIO");
                    assertFalse(np.allows(p, minio, 9001), w + ": " + s + " reaches the MinIO console");
                }
                for (String other : names) {
                    if (!other.equals(s)) {
                        Pod o = pods.get(other);
                        assertFalse(np.allows(p, o, o.namedPorts().get("http")), w + ": " + s + " may call " + other);
                    }
                }
                boolean rest = REST.contains(s) || s.equals("stacker-predict");
                assertEquals(rest, np.allows(ingressController, p, http), w + ": ingress namespace -> " + s);
                assertTrue(np.allows(prometheus, p, http), w + ": Prometheus cannot scrape " + s);
                assertFalse(np.allows(prometheus, p, http + 1), w + ": " + s + " other port");
                assertFalse(np.allows(stranger, p, http), w + ": an unlabelled namespace reaches " + s);
                assertFalse(np.allows(p, stranger, 80), w + ": " + s + " reaches other namespaces");
            }
            if (kafka != null) {
                assertFalse(np.allows(stranger, kafka, 9092), w + ": Kafka open to other namespaces");
                assertFalse(np.allows(ingressController, kafka, 9092), w + ": Kafka open to the ingress");
                assertTrue(np.allows(kafka, kafka, 9093), w + ": the broker cannot reach its controller port");
                boolean autoscaled = rs.stream().anyMatch(r -> r.kind().equals("ScaledObject"));
                assertEquals(autoscaled, np.allows(keda, kafka, 9092), w + ": KEDA -> Kafka");
                if (minio != null) {
                    assertFalse(np.allows(kafka, minio, 9000), w + ": Kafka reaches MinIO");
                }
            }
            if (minio != null) {
                assertFalse(np.allows(stranger, minio, 9000), w + ": MinIO open to other namespaces");
                assertFalse(np.allows(prometheus, minio, 9001), w + ": MinIO console open");
            }
        }
    }

    /** The Strimzi listener's own NetworkPolicy (made by the operator) admits the services: check its peers. */
    @Test
    void strimziListenersAdmitOnlyTheServices() {
        for (List<Resource> rs :
                List.of(kustomize("overlays/strimzi-secure"), helm(List.of(), Map.of("kafka.mode", "strimzi")))) {
            JsonNode kafka =
                    KubernetesManifestsTest.find(rs, "Kafka", "genrestack").doc();
            JsonNode listeners = kafka.path("spec").path("kafka").path("listeners");
            assertEquals(1, listeners.size(), "one listener: " + listeners);
            JsonNode l = listeners.get(0);
            assertTrue(l.path("tls").asBoolean(), "TLS listener");
            assertEquals(9093, l.path("port").asInt());
            assertEquals("scram-sha-512", l.path("authentication").path("type").asText());
            assertEquals(
                    "simple",
                    kafka.path("spec")
                            .path("kafka")
                            .path("authorization")
                            .path("type")
                            .asText());
            for (String s : SERVICES) {
                boolean admitted = false;
                for (JsonNode peer : l.path("networkPolicyPeers")) {
                    admitted |= !peer.has("namespaceSelector")
                            && NetworkPolicies.matches(
                                    peer.path("podSelector"),
                                    Map.of("app.kubernetes.io/name", s, "app.kubernetes.io/instance", "genrestack"));
                }
                assertTrue(admitted, s + " is not a peer of the TLS listener");
            }
            assertFalse(
                    NetworkPolicies.matches(
                            l.path("networkPolicyPeers").get(0).path("podSelector"), Map.of("app", "curl")),
                    "the listener admits any pod");
            KubernetesManifestsTest.find(rs, "KafkaUser", "genrestack");
        }
    }

    // ---- the checkers themselves: every rule must be able to fail ------------------------------------------------

    private static ObjectNode goodPod() {
        try {
            return (ObjectNode) DeployFiles.YAML.readTree("""
                    automountServiceAccountToken: false
                    securityContext:
                      runAsNonRoot: true
                      runAsUser: 10001
                      seccompProfile: {type: RuntimeDefault}
                    containers:
                      - name: app
                        image: x
                        ports: [{name: http, containerPort: 8080}]
                        resources: {limits: {ephemeral-storage: 2Gi}}
                        securityContext:
                          allowPrivilegeEscalation: false
                          readOnlyRootFilesystem: true
                          capabilities: {drop: [ALL]}
                    volumes:
                      - {name: tmp, emptyDir: {sizeLimit: 1Gi}}
                      - {name: data, persistentVolumeClaim: {claimName: d}}
                    """);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static List<String> check(ObjectNode pod) {
        return PodSecurity.violations(pod, DeployFiles.YAML.createObjectNode(), "test", PodSecurity.Scope.FULL);
    }

    private static ObjectNode container(ObjectNode pod) {
        return (ObjectNode) pod.path("containers").get(0);
    }

    private static ObjectNode csc(ObjectNode pod) {
        return (ObjectNode) container(pod).path("securityContext");
    }

    @Test
    void theRestrictedCheckerRejectsEachViolation() {
        assertEquals(List.of(), check(goodPod()), "the good pod passes");
        Map<String, Consumer<ObjectNode>> bad = new LinkedHashMap<>();
        bad.put("hostNetwork", p -> p.put("hostNetwork", true));
        bad.put("hostPID", p -> p.put("hostPID", true));
        bad.put("hostIPC", p -> p.put("hostIPC", true));
        bad.put("hostProcess", p -> csc(p).putObject("windowsOptions").put("hostProcess", true));
        bad.put("privileged", p -> csc(p).put("privileged", true));
        bad.put("hostPort", p -> ((ObjectNode) container(p).path("ports").get(0)).put("hostPort", 80));
        bad.put(
                "hostPath",
                p -> ((ArrayNode) p.path("volumes"))
                        .addObject()
                        .put("name", "h")
                        .putObject("hostPath")
                        .put("path", "/"));
        bad.put(
                "volumeType",
                p -> ((ArrayNode) p.path("volumes"))
                        .addObject()
                        .put("name", "n")
                        .putObject("nfs")
                        .put("server", "x"));
        bad.put(
                "sysctls",
                p -> ((ObjectNode) p.path("securityContext"))
                        .putArray("sysctls")
                        .addObject()
                        .put("name", "kernel.msgmax")
                        .put("value", "1"));
        bad.put("allowPrivilegeEscalation", p -> csc(p).remove("allowPrivilegeEscalation"));
        bad.put("runAsNonRoot", p -> ((ObjectNode) p.path("securityContext")).remove("runAsNonRoot"));
        bad.put("runAsUser", p -> csc(p).put("runAsUser", 0));
        bad.put("seccomp", p -> ((ObjectNode) p.path("securityContext")).remove("seccompProfile"));
        bad.put(
                "capabilities.drop",
                p -> ((ObjectNode) csc(p).path("capabilities")).putArray("drop").add("NET_RAW"));
        bad.put(
                "capabilities.add",
                p -> ((ObjectNode) csc(p).path("capabilities")).putArray("add").add("SYS_ADMIN"));
        bad.put("procMount", p -> csc(p).put("procMount", "Unmasked"));
        bad.put("seLinux", p -> csc(p).putObject("seLinuxOptions").put("type", "spc_t"));
        bad.put("appArmor", p -> csc(p).putObject("appArmorProfile").put("type", "Unconfined"));
        bad.put("readOnlyRootFilesystem", p -> csc(p).put("readOnlyRootFilesystem", false));
        bad.put(
                "emptyDir.sizeLimit",
                p -> ((ObjectNode) p.path("volumes").get(0).path("emptyDir")).remove("sizeLimit"));
        bad.put(
                "ephemeral-storage",
                p -> ((ObjectNode) p.path("volumes").get(0).path("emptyDir")).put("sizeLimit", "3Gi"));
        bad.put("automountServiceAccountToken", p -> p.remove("automountServiceAccountToken"));
        for (var e : bad.entrySet()) {
            ObjectNode pod = goodPod();
            e.getValue().accept(pod);
            List<String> v = check(pod);
            assertTrue(
                    v.stream().anyMatch(s -> s.startsWith("[" + e.getKey() + "]")),
                    e.getKey() + " not reported; got " + v);
        }
        // Allowed variants stay allowed: a container-level seccomp / runAsNonRoot, NET_BIND_SERVICE, Localhost.
        ObjectNode ok = goodPod();
        ((ObjectNode) ok.path("securityContext")).remove(List.of("seccompProfile", "runAsNonRoot"));
        csc(ok).put("runAsNonRoot", true).putObject("seccompProfile").put("type", "Localhost");
        ((ObjectNode) csc(ok).path("capabilities")).putArray("add").add("NET_BIND_SERVICE");
        assertEquals(List.of(), check(ok));
        // A container that says runAsNonRoot: false is not rescued by the pod's true.
        ObjectNode no = goodPod();
        csc(no).put("runAsNonRoot", false);
        assertTrue(check(no).stream().anyMatch(s -> s.startsWith("[runAsNonRoot]")));
        // Seccomp Unconfined on the container overrides a good pod default.
        ObjectNode unconfined = goodPod();
        csc(unconfined).putObject("seccompProfile").put("type", "Unconfined");
        assertTrue(check(unconfined).stream().anyMatch(s -> s.startsWith("[seccomp]")));
    }

    @Test
    void theNetworkPolicyCheckerSeesMissingDenialsSelectorsAndPorts() throws IOException {
        String policies = """
                apiVersion: networking.k8s.io/v1
                kind: NetworkPolicy
                metadata: {name: web}
                spec:
                  podSelector: {matchLabels: {app: web}}
                  policyTypes: [Ingress]
                  ingress:
                    - from: [{podSelector: {matchLabels: {app: client}}}]
                      ports: [{port: http}]
                """;
        Path f = Files.createTempFile("np", ".yaml");
        try {
            Files.writeString(f, policies);
            List<Resource> rs = new ArrayList<>();
            DeployFiles.documents(f).forEach(d -> rs.add(new Resource(f, (ObjectNode) d)));
            NetworkPolicies np = new NetworkPolicies(rs, NS);
            assertFalse(np.hasDefaultDeny(), "no default deny here");
            Pod web = new Pod(NS, OWN_NS, Map.of("app", "web"), Map.of("http", 8080));
            Pod client = Pod.of(NS, OWN_NS, Map.of("app", "client"));
            Pod other = Pod.of(NS, OWN_NS, Map.of("app", "other"));
            assertTrue(np.allows(client, web, 8080));
            assertFalse(np.allows(client, web, 8081), "named port resolves to 8080 only");
            assertFalse(np.allows(other, web, 8080), "selector");
            assertTrue(np.allows(web, other, 1), "egress not isolated without an Egress policy");
            assertTrue(np.allowing(other).isEmpty(), "nothing selects app=other");
            Files.writeString(f, policies + """
                    ---
                    apiVersion: networking.k8s.io/v1
                    kind: NetworkPolicy
                    metadata: {name: deny}
                    spec: {podSelector: {}, policyTypes: [Ingress, Egress]}
                    """);
            rs.clear();
            DeployFiles.documents(f).forEach(d -> rs.add(new Resource(f, (ObjectNode) d)));
            np = new NetworkPolicies(rs, NS);
            assertTrue(np.hasDefaultDeny());
            assertFalse(np.allows(client, web, 8080), "the client's egress is now denied");
            assertTrue(np.allowing(other).isEmpty(), "deny-all allows nothing");
        } finally {
            Files.deleteIfExists(f);
        }
    }
}
