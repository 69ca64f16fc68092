package io.genrestack.extractor;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;

import java.util.Map;

/** The extractor's S3 input allow-list in tests: the prefix {@code allowed/} of {@link #BUCKET} and nothing else. */
public class S3InputBucketsTestResource implements QuarkusTestResourceLifecycleManager {
    /** The bucket {@link S3InputsStageTest} uploads its inputs to. */
    public static final String BUCKET = "extractor-test-inputs";

    @Override
    public Map<String, String> start() {
        return Map.of("genrestack.extractor.input-buckets", BUCKET + "/allowed");
    }

    @Override
    public void stop() {}
}
