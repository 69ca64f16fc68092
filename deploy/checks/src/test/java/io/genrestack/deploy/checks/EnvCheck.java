package io.genrestack.deploy.checks;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Checks variable names a deployment hands to a service against the keys the service's code declares
 * ({@link ConfigKeys}). Names starting with {@code GENRESTACK_} or {@code KAFKA_} are configuration and must map
 * to a declared key; others (JAVA_OPTS, DJL_*, PYTORCH_*, ...) belong to the JVM or libraries and are not checked.
 */
final class EnvCheck {
    private EnvCheck() {}

    static boolean isConfig(String name) {
        return name.startsWith("GENRESTACK_") || name.startsWith("KAFKA_");
    }

    /** The Kafka client security variables common's KafkaSecurity reads straight from the environment. */
    static boolean isKafkaSecurity(String name) {
        return name.startsWith("KAFKA_SECURITY_")
                || name.startsWith("KAFKA_SASL_")
                || name.startsWith("KAFKA_SSL_")
                || name.equals("GENRESTACK_KAFKA_USERNAME")
                || name.equals("GENRESTACK_KAFKA_PASSWORD");
    }

    /**
     * Whether the module (through its dependencies) has common's {@code KafkaSecurity}, which maps
     * {@code KAFKA_SECURITY_*}, {@code KAFKA_SASL_*}, {@code KAFKA_SSL_*} and {@code GENRESTACK_KAFKA_USERNAME /
     * _PASSWORD} to the Kafka client's settings without a {@code @ConfigMapping} (so {@link ConfigKeys} cannot see
     * them).
     */
    static boolean readsKafkaSecurityFromEnvironment(Path root, String module) {
        Path src = root.resolve("common/src/main/java/io/genrestack/common/kafka/KafkaSecurity.java");
        if (!ConfigKeys.withDependencies(root, module).contains("common") || !java.nio.file.Files.isRegularFile(src)) {
            return false;
        }
        String s = DeployFiles.read(src);
        return s.contains("\"security.\"")
                && s.contains("\"sasl.\"")
                && s.contains("\"ssl.\"")
                && s.contains("genrestack.kafka.username")
                && s.contains("genrestack.kafka.password");
    }

    /** Problems with the names (empty when all is well). */
    static List<String> unmapped(Path root, String module, Iterable<String> names, String where) {
        Map<String, String> declared = ConfigKeys.declaredEnv(root, module);
        boolean kafkaSecurity = readsKafkaSecurityFromEnvironment(root, module);
        List<String> problems = new ArrayList<>();
        for (String name : names) {
            if (!isConfig(name) || declared.containsKey(name) || (kafkaSecurity && isKafkaSecurity(name))) {
                continue;
            }
            problems.add(where + ": " + module + " gets " + name + ", but no config key of " + module
                    + " (or the modules it depends on) has that environment form");
        }
        return problems;
    }
}
