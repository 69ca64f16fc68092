package io.genrestack.ml;

import io.genrestack.common.model.TrainParams;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** One path from a run's TrainParams to the trainer's TrainConfig, for base and stacked models alike. */
class TrainConfigTest {
    @Test
    void fromRunParamsKeepsThemAndThePapersAdamMoments() {
        TrainParams p = new TrainParams(0, 0.5, 2e-3, 64, 15, 3);
        TrainConfig c = TrainConfig.from(p, 7);
        assertEquals(new TrainConfig(2e-3, 0.9, 0.999, 1e-8, 64, 15, 3, 7, "cpu", 0), c);
        assertEquals(
                TrainConfig.defaults(),
                TrainConfig.from(TrainParams.paperBase(), 42),
                "the paper's base parameters are the paper's defaults");
    }
}
