package io.genrestack.platform;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.genrestack.common.serde.Json;
import io.quarkus.jackson.ObjectMapperCustomizer;
import jakarta.inject.Singleton;

/** Applies GenreStack's one Jackson configuration ({@link Json#configure}) to Quarkus' mapper (REST responses). */
@Singleton
public class JsonCustomizer implements ObjectMapperCustomizer {
    @Override
    public void customize(ObjectMapper mapper) {
        Json.configure(mapper, false);
    }
}
