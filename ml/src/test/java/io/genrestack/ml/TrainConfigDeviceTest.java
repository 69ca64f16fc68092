package io.genrestack.ml;

import ai.djl.Device;
import ai.djl.engine.Engine;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Device resolution: a GPU that was asked for and is not there is an error naming the setting (never a silent CPU
 * run); only "auto" falls back to the CPU.
 */
class TrainConfigDeviceTest {

    @Test
    void gpuWithoutAGpuFailsWithAMessageNamingTheSetting() {
        for (String spec : new String[] {"gpu", "GPU", "cuda", "gpu:0"}) {
            IllegalStateException e =
                    assertThrows(IllegalStateException.class, () -> TrainConfig.resolveDevice(spec, 0));
            assertTrue(e.getMessage().contains("GENRESTACK_TRAINER_DEVICE"), e.getMessage());
            assertTrue(e.getMessage().contains("GENRESTACK_STACKER_DEVICE"), e.getMessage());
            assertTrue(e.getMessage().contains("genrestack.trainer.device"), e.getMessage());
            assertTrue(e.getMessage().contains("'auto'"), "the message names the fallback setting: " + e.getMessage());
        }
        // A GPU index past the GPUs the engine sees is the same error.
        assertThrows(IllegalStateException.class, () -> TrainConfig.resolveDevice("gpu:1", 1));
        assertEquals(Device.gpu(1), TrainConfig.resolveDevice("gpu:1", 2));
        assertEquals(Device.gpu(0), TrainConfig.resolveDevice("gpu", 1));
    }

    @Test
    void autoUsesTheFirstGpuWhenThereIsOneAndElseTheCpu() {
        assertEquals(Device.cpu(), TrainConfig.resolveDevice("auto", 0));
        assertEquals(Device.gpu(0), TrainConfig.resolveDevice("auto", 2));
        assertEquals(Device.cpu(), TrainConfig.resolveDevice("cpu", 3), "cpu stays cpu with GPUs present");
        assertEquals(Device.cpu(), TrainConfig.resolveDevice(" ", 0), "blank = cpu");
        assertThrows(IllegalArgumentException.class, () -> TrainConfig.resolveDevice("tpu", 1));
        assertThrows(IllegalArgumentException.class, () -> TrainConfig.resolveDevice("gpu:x", 1));
    }

    /** Against the real engine: on this CPU-only machine gpu fails and auto is the CPU; on a GPU machine both GPU. */
    @Test
    void theRealEngineDecides() {
        int gpus = Engine.getInstance().getGpuCount();
        TrainConfig gpu = TrainConfig.defaults().withDevice("gpu");
        TrainConfig auto = TrainConfig.defaults().withDevice("auto");
        if (gpus == 0) {
            IllegalStateException e = assertThrows(IllegalStateException.class, gpu::resolveDevice);
            assertTrue(e.getMessage().contains("GENRESTACK_TRAINER_DEVICE"), e.getMessage());
            assertTrue(e.getMessage().contains("GENRESTACK_STACKER_DEVICE"), e.getMessage());
            assertEquals(Device.cpu(), auto.resolveDevice());
        } else {
            assertEquals(Device.gpu(0), gpu.resolveDevice());
            assertEquals(Device.gpu(0), auto.resolveDevice());
        }
        assertEquals(Device.cpu(), TrainConfig.defaults().resolveDevice(), "the default is cpu");
    }
}
