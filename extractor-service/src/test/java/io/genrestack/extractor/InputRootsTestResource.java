package io.genrestack.extractor;

import io.genrestack.testkit.SharedData;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;

import java.nio.file.Path;
import java.util.Map;

/**
 * The extractor's input roots in tests: the shared real data and the temporary folder (where {@code @TempDir}
 * fixtures live). Everything else, e.g. {@code /etc}, lies outside.
 */
public class InputRootsTestResource implements QuarkusTestResourceLifecycleManager {
    @Override
    public Map<String, String> start() {
        String tmp = Path.of(System.getProperty("java.io.tmpdir"))
                .toAbsolutePath()
                .normalize()
                .toString();
        return Map.of("genrestack.extractor.input-roots", SharedData.dir() + "," + tmp);
    }

    @Override
    public void stop() {}
}
