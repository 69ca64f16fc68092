package io.genrestack.deploy.checks;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeType;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.OptionalInt;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Finds and reads the deployment files of the repository (docker-compose files, the kustomize tree under
 * {@code deploy/}, the services' Dockerfiles) for the deployment tests, and holds the few conventions those tests
 * share: the repository root, the service modules, the ports they declare, and the environment-variable form of a
 * configuration key.
 */
final class DeployFiles {
    static final YAMLMapper YAML = new YAMLMapper();

    /**
     * The port convention (docs/deployment.md), used ONLY for a service whose application.properties does not yet
     * declare quarkus.http.port; as soon as it does, the declared port is what the deployment must match.
     */
    static final Map<String, Integer> CONVENTIONAL_PORTS = Map.of(
            "extractor-service",
            8091,
            "scaler-service",
            8092,
            "trainer-service",
            8093,
            "stacker-service",
            8094,
            "evaluator-service",
            8095);

    private static final Pattern MODULE = Pattern.compile("<module>([^<]+)</module>");

    private DeployFiles() {}

    /** The repository root: system property genrestack.repo.root (surefire), else the first parent POM upwards. */
    static Path repoRoot() {
        String prop = System.getProperty("genrestack.repo.root");
        if (prop != null && isRoot(Path.of(prop))) {
            return Path.of(prop).toAbsolutePath().normalize();
        }
        for (Path p = Path.of("").toAbsolutePath(); p != null; p = p.getParent()) {
            if (isRoot(p)) {
                return p.normalize();
            }
        }
        throw new IllegalStateException(
                "repository root not found from " + Path.of("").toAbsolutePath());
    }

    private static boolean isRoot(Path dir) {
        Path pom = dir.resolve("pom.xml");
        return Files.isRegularFile(pom)
                && read(pom).contains("<artifactId>genrestack-parent</artifactId>")
                && read(pom).contains("<modules>");
    }

    /** The modules named {@code *-service} in the root POM. */
    static List<String> serviceModules(Path root) {
        List<String> out = new ArrayList<>();
        Matcher m = MODULE.matcher(read(root.resolve("pom.xml")));
        while (m.find()) {
            if (m.group(1).trim().endsWith("-service")) {
                out.add(m.group(1).trim());
            }
        }
        return out;
    }

    /** quarkus.http.port as declared (without a profile) in the module's application.properties. */
    static OptionalInt declaredHttpPort(Path root, String module) {
        Path props = root.resolve(module).resolve("src/main/resources/application.properties");
        if (!Files.isRegularFile(props)) {
            return OptionalInt.empty();
        }
        for (var e : ConfigKeys.properties(props).entrySet()) {
            if (e.getKey().equals("quarkus.http.port")) {
                return OptionalInt.of(Integer.parseInt(e.getValue().trim()));
            }
        }
        return OptionalInt.empty();
    }

    /** The port a deployment must use for the module: the declared one, else the documented convention. */
    static int httpPort(Path root, String module) {
        OptionalInt declared = declaredHttpPort(root, module);
        if (declared.isPresent()) {
            return declared.getAsInt();
        }
        Integer conventional = CONVENTIONAL_PORTS.get(module);
        if (conventional == null) {
            throw new AssertionError(module + " declares no quarkus.http.port and has no conventional port");
        }
        System.out.printf(
                "NOTE: %s declares no quarkus.http.port yet; checking the conventional port %d%n",
                module, conventional);
        return conventional;
    }

    /** Every YAML document of a file (multi-document files give several; empty documents are skipped). */
    static List<JsonNode> documents(Path file) {
        List<JsonNode> docs = new ArrayList<>();
        // Document by document through the parser: ObjectReader.readValues would unwrap a top-level list (a JSON
        // 6902 patch) into its elements.
        try (JsonParser p = YAML.getFactory().createParser(file.toFile())) {
            while (p.nextToken() != null) {
                JsonNode n = YAML.readTree(p);
                if (n != null && !n.isNull() && !n.isMissingNode()) {
                    docs.add(n);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot parse " + file, e);
        }
        return docs;
    }

    /** The single mapping document of a file. */
    static JsonNode document(Path file) {
        List<JsonNode> docs = documents(file);
        if (docs.size() != 1 || docs.get(0).getNodeType() != JsonNodeType.OBJECT) {
            throw new AssertionError(
                    file + " should hold exactly one YAML mapping, found " + docs.size() + " document(s)");
        }
        return docs.get(0);
    }

    /** YAML files (.yml, .yaml) under a folder, sorted. */
    static List<Path> yamlFiles(Path dir) {
        try (Stream<Path> s = Files.walk(dir)) {
            return s.filter(Files::isRegularFile)
                    .filter(p -> p.toString().endsWith(".yaml") || p.toString().endsWith(".yml"))
                    .sorted()
                    .toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * The environment-variable name SmallRye Config matches a property against: upper case, every character other
     * than a letter or digit replaced by '_' ({@code genrestack.s3.access-key} → {@code GENRESTACK_S3_ACCESS_KEY}).
     */
    static String envForm(String property) {
        StringBuilder sb = new StringBuilder(property.length());
        for (char c : property.toCharArray()) {
            sb.append(Character.isLetterOrDigit(c) ? Character.toUpperCase(c) : '_');
        }
        return sb.toString().toUpperCase(Locale.ROOT);
    }

    static String read(Path p) {
        try {
            return Files.readString(p);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A compose-style value: {@code ${VAR:-default}} / {@code ${VAR-default}} / {@code ${VAR}} or a literal. */
    record Interpolated(String variable, String defaultValue, boolean literal) {
        private static final Pattern REF = Pattern.compile("\\$\\{([A-Za-z_][A-Za-z0-9_]*)(?::?-([^}]*))?}");

        static Interpolated of(String value) {
            Matcher m = REF.matcher(value);
            if (m.matches()) {
                return new Interpolated(m.group(1), m.group(2), false);
            }
            return new Interpolated(null, value, !REF.matcher(value).find());
        }
    }
}
