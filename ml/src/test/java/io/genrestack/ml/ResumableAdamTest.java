package io.genrestack.ml;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.DefaultTrainingConfig;
import ai.djl.training.GradientCollector;
import ai.djl.training.Trainer;
import ai.djl.training.loss.Loss;
import ai.djl.training.optimizer.Optimizer;
import ai.djl.training.tracker.Tracker;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

/** Our checkpointable Adam must update weights exactly like DJL's built-in {@code Optimizer.adam()}. */
class ResumableAdamTest {

    private static byte[] trainSteps(boolean ours, TestData d, int steps) {
        TrainConfig cfg = TrainConfig.defaults()
                .withLr(2e-3)
                .withBeta1(0.8)
                .withBeta2(0.99)
                .withEps(1e-7);
        MlpSpec spec = new MlpSpec(12, 16, 3, 0.0, 0.05);
        try (MlpModel model = MlpModel.create(spec, 4)) {
            ResumableAdam resumable =
                    ours ? new ResumableAdam(cfg, model.djlModel().getNDManager()) : null;
            Optimizer opt = ours
                    ? resumable
                    : Optimizer.adam()
                            .optLearningRateTracker(Tracker.fixed((float) cfg.lr()))
                            .optBeta1((float) cfg.beta1())
                            .optBeta2((float) cfg.beta2())
                            .optEpsilon((float) cfg.eps())
                            .build();
            DefaultTrainingConfig tc = new DefaultTrainingConfig(Loss.sigmoidBinaryCrossEntropyLoss())
                    .optOptimizer(opt)
                    .optDevices(new Device[] {Device.cpu()});
            try (Trainer trainer = model.djlModel().newTrainer(tc)) {
                trainer.initialize(new Shape(8, 12));
                for (int s = 0; s < steps; s++) {
                    try (NDManager m = trainer.getManager().newSubManager()) {
                        int from = (s * 8) % (d.x.length - 8);
                        NDArray x = m.create(d.xRows(from, from + 8));
                        NDArray y = m.create(d.yRows(from, from + 8));
                        try (GradientCollector gc = trainer.newGradientCollector()) {
                            NDArray loss = trainer.getLoss().evaluate(new NDList(y), trainer.forward(new NDList(x)));
                            gc.backward(loss);
                        }
                        trainer.step();
                    }
                }
            } finally {
                if (resumable != null) resumable.close();
            }
            return model.saveParameters();
        }
    }

    @Test
    void updatesAreBitIdenticalToDjlAdam() {
        TestData d = TestData.linear(200, 12, 3, 8);
        byte[] before = trainSteps(true, d, 0);
        byte[] ours = trainSteps(true, d, 12);
        byte[] djl = trainSteps(false, d, 12);
        assertFalse(java.util.Arrays.equals(before, ours), "training changed the weights");
        assertArrayEquals(djl, ours);
    }
}
