package io.genrestack.deploy.checks;

import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.Map;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The key reader the deployment checks rely on: it must find the keys the real code declares, per module, and
 * nothing else, or the environment checks would pass anything (or fail everything).
 */
class ConfigKeysTest {
    private final Path root = DeployFiles.repoRoot();

    @Test
    void readsTheRealMappingsOfAServiceAndTheModulesItDependsOn() {
        Set<String> extractor = ConfigKeys.declared(root, "extractor-service");
        // ExtractorSettings (own module), S3Settings and PlatformSettings (platform), platform's defaults file.
        assertTrue(
                extractor.containsAll(Set.of(
                        "genrestack.extractor.auto-run-inputs",
                        "genrestack.extractor.auto-run-ground-truth",
                        "genrestack.extractor.auto-run-id",
                        "genrestack.extractor.max-document-bytes",
                        "genrestack.s3.access-key",
                        "genrestack.s3.secret-key",
                        "genrestack.s3.endpoint",
                        "genrestack.s3.bucket",
                        "genrestack.s3.region",
                        "genrestack.platform.topic-partitions",
                        "genrestack.platform.work-dir",
                        "genrestack.platform.job-max-attempts",
                        "kafka.bootstrap.servers",
                        "quarkus.http.port")),
                extractor::toString);
        // The scaler's settings are not on the extractor's classpath.
        assertFalse(extractor.contains("genrestack.scaler.checkpoint-every"));
        assertTrue(ConfigKeys.declared(root, "scaler-service").contains("genrestack.scaler.fail-after-records"));
        // Made-up keys are not "declared".
        assertFalse(extractor.contains("genrestack.s3.accesskey"));
    }

    @Test
    void dependenciesAreFollowedTransitivelyButNotIntoTestScope() {
        var deps = ConfigKeys.withDependencies(root, "scaler-service");
        assertEquals("scaler-service", deps.get(0));
        assertTrue(deps.contains("platform") && deps.contains("common"), deps::toString);
        assertFalse(deps.contains("testkit"), "testkit is a test dependency: " + deps);
    }

    @Test
    void envFormMatchesSmallRyesRule() {
        Map<String, String> env = ConfigKeys.declaredEnv(root, "extractor-service");
        assertEquals("genrestack.s3.access-key", env.get("GENRESTACK_S3_ACCESS_KEY"));
        assertEquals(
                "genrestack.extractor.auto-run-ground-truth", env.get("GENRESTACK_EXTRACTOR_AUTO_RUN_GROUND_TRUTH"));
        assertEquals("kafka.bootstrap.servers", env.get("KAFKA_BOOTSTRAP_SERVERS"));
        assertFalse(env.containsKey("GENRESTACK_S3_ACCESSKEY"));
        assertFalse(env.containsKey("GENRESTACK_EXTRACTOR_AUTORUN_INPUTS"));
    }

    @Test
    void parsesNamesGroupsDefaultsAndComments() {
        String src = """
                package x;
                /** Not a mapping: {@code @ConfigMapping(prefix = "wrong")} in a comment. */
                @ConfigMapping(prefix = "demo.svc")
                public interface DemoSettings {
                    // int commentedOut();
                    @WithDefault("http://localhost:9000") // a URL with "//" inside a string
                    String endpoint();
                    @WithName("max.size")
                    long maxSizeBytes();
                    Optional<List<String>> autoRunGroundTruth();
                    int s3Port();
                    String URLPrefix();
                    Nested nested();
                    Optional<Nested> maybe();
                    default String derived() { return endpoint() + "/x"; }
                    int after();
                    interface Nested {
                        @WithDefault("1")
                        int innerValue();
                    }
                    String CONSTANT = "c";
                }
                class Other {
                    @ConfigProperty(name = "kafka.bootstrap.servers") String bootstrap;
                }
                """;
        assertEquals(
                Set.of(
                        "demo.svc.endpoint",
                        "demo.svc.max.size",
                        "demo.svc.auto-run-ground-truth",
                        "demo.svc.s3-port",
                        "demo.svc.url-prefix",
                        "demo.svc.nested.inner-value",
                        "demo.svc.maybe.inner-value",
                        "demo.svc.after",
                        "kafka.bootstrap.servers"),
                ConfigKeys.fromJava(src));
    }

    @Test
    void profilePrefixesAreRemovedFromPropertiesKeys() {
        var props = ConfigKeys.properties(root.resolve("scaler-service/src/main/resources/application.properties"));
        assertTrue(props.containsKey("genrestack.scaler.fail-after-records"), props::toString);
        assertFalse(props.keySet().stream().anyMatch(k -> k.startsWith("%")));
    }
}
