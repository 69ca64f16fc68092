package io.genrestack.deploy.checks;

import io.genrestack.deploy.checks.Kustomize.Resource;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Every built-in resource the kustomize tree and the Helm chart render, checked field by field against the
 * Kubernetes API schema (the official Python client's model classes: Debian's python3-kubernetes; skipped without
 * it). Catches what a YAML parse cannot: a misspelt or misplaced field, which the API server would drop or reject.
 */
class StrictSchemaTest {
    private static final String PYTHON = "/usr/bin/python3";

    private final Path root = DeployFiles.repoRoot();
    private final Path script = root.resolve("deploy/checks/src/test/resources/strict_schema.py");

    @BeforeAll
    static void needsTheKubernetesClient() throws Exception {
        boolean present = Files.isExecutable(Path.of(PYTHON))
                && new ProcessBuilder(PYTHON, "-c", "import kubernetes")
                                .redirectErrorStream(true)
                                .start()
                                .waitFor()
                        == 0;
        Assumptions.assumeTrue(
                present, "python3-kubernetes not installed (apt-get install python3-kubernetes): skipped");
    }

    private record Result(int exit, String output) {}

    private Result validate(List<Path> files) throws Exception {
        List<String> cmd = new ArrayList<>(List.of(PYTHON, script.toString()));
        files.forEach(f -> cmd.add(f.toString()));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        assertTrue(p.waitFor(120, TimeUnit.SECONDS), "schema check timed out");
        return new Result(p.exitValue(), out);
    }

    private static Path write(Path dir, String name, List<Resource> rs) throws Exception {
        StringBuilder sb = new StringBuilder();
        for (Resource r : rs) {
            sb.append(DeployFiles.YAML.writeValueAsString(r.doc()));
        }
        Path f = dir.resolve(name);
        Files.writeString(f, sb.toString());
        return f;
    }

    @Test
    void theKustomizeTreeMatchesTheApiSchema(@TempDir Path tmp) throws Exception {
        Path deploy = root.resolve("deploy");
        List<Path> files = new ArrayList<>();
        for (String k : List.of("base", "overlays/cpu", "overlays/strimzi-secure", "autoscaling")) {
            files.add(write(tmp, k.replace('/', '-') + ".yaml", Kustomize.build(deploy.resolve(k))));
        }
        files.addAll(DeployFiles.yamlFiles(deploy.resolve("examples")));
        Result r = validate(files);
        System.out.println(r.output());
        assertEquals(0, r.exit(), r.output());
    }

    @Test
    void theHelmChartRendersMatchTheApiSchema(@TempDir Path tmp) throws Exception {
        Path chart = root.resolve("deploy/helm/genrestack");
        Map<String, Map<String, Object>> variants = Map.of(
                "default", Map.of(),
                "predict-monitor", Map.of("autoscaling.predict.enabled", "true", "serviceMonitor.enabled", "true"),
                "strimzi", Map.of("kafka.mode", "strimzi"),
                "strimzi-plain", Map.of("kafka.mode", "strimzi", "kafka.strimzi.secure", "false"),
                "jwt-s3ca", Map.of("auth.publicKey", "-----BEGIN PUBLIC KEY-----", "s3.caSecret.name", "ca"),
                "secure",
                        Map.of(
                                "kafka.mode",
                                "external",
                                "kafka.bootstrapServers",
                                "k.kafka.svc.cluster.local:9093",
                                "kafka.security.protocol",
                                "SASL_SSL",
                                "kafka.security.saslMechanism",
                                "SCRAM-SHA-512",
                                "kafka.security.jaasConfigSecret.name",
                                "u",
                                "kafka.security.truststoreSecret.name",
                                "ca"));
        List<Path> files = new ArrayList<>();
        for (var v : variants.entrySet()) {
            Path f = tmp.resolve("helm-" + v.getKey() + ".yaml");
            Files.writeString(f, HelmChartTest.renderYaml(chart, List.of(), v.getValue()));
            files.add(f);
        }
        Path gpu = tmp.resolve("helm-gpu.yaml");
        Files.writeString(gpu, HelmChartTest.renderYaml(chart, List.of("values-gpu.yaml"), Map.of()));
        files.add(gpu);
        Result r = validate(files);
        System.out.println(r.output());
        assertEquals(0, r.exit(), r.output());
    }

    /** The checker itself: a misspelt field and a string where the schema wants an integer are reported. */
    @Test
    void theCheckerRejectsWhatTheApiWouldNot(@TempDir Path tmp) throws Exception {
        Path bad = tmp.resolve("bad.yaml");
        Files.writeString(bad, """
                apiVersion: apps/v1
                kind: Deployment
                metadata: {name: x}
                spec:
                  selector: {matchLabels: {a: b}}
                  template:
                    metadata: {labels: {a: b}}
                    spec:
                      topologySpreadConstraint: []
                      containers:
                        - name: x
                          image: x
                          ports: [{containerPort: "http"}]
                """);
        Result r = validate(List.of(bad));
        assertEquals(1, r.exit(), r.output());
        assertTrue(r.output().contains("unknown field 'topologySpreadConstraint'"), r.output());
        assertTrue(r.output().contains("containerPort: expected an integer"), r.output());
    }
}
