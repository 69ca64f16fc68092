package io.genrestack.ml;

import ai.djl.nn.Parameter;
import ai.djl.util.Pair;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class MlpModelTest {

    @TempDir
    Path dir;

    @Test
    void paperModelParameterCountMatchesFormulaAndArrays() {
        MlpSpec spec = MlpSpec.paper(2669, 327);
        assertEquals(2669L * 256 + 256 + 256L * 327 + 327, spec.parameterCount());
        assertEquals(767_559L, spec.parameterCount());
        try (MlpModel m = MlpModel.create(spec, 1)) {
            assertEquals(spec.parameterCount(), m.parameterCount());
            assertEquals(4, m.parameters().size());
        }
    }

    @Test
    void stackedModelParameterCountMatchesFormulaAndArrays() {
        MlpSpec spec = MlpSpec.stacked(1024, 40);
        assertEquals(1024L * 40 + 40, spec.parameterCount());
        try (MlpModel m = MlpModel.create(spec, 1)) {
            assertEquals(spec.parameterCount(), m.parameterCount());
            assertEquals(2, m.parameters().size());
            assertThrows(IllegalStateException.class, () -> m.hidden(new float[1][1024]));
            float[][] p = m.predict(new float[3][1024]);
            assertEquals(3, p.length);
            assertEquals(40, p[0].length);
            assertEquals(0.5f, p[0][0], 1e-6f, "zero input and zero bias give logit 0");
        }
    }

    @Test
    void initIsUniformInScaleWithZeroBiases() {
        try (MlpModel m = MlpModel.create(MlpSpec.paper(300, 20), 5)) {
            for (Pair<String, Parameter> p : m.parameters()) {
                float[] v = p.getValue().getArray().toFloatArray();
                if (p.getValue().getType() == Parameter.Type.BIAS) {
                    for (float f : v) assertEquals(0f, f);
                } else {
                    double min = 1, max = -1, mean = 0;
                    for (float f : v) {
                        min = Math.min(min, f);
                        max = Math.max(max, f);
                        mean += f;
                    }
                    mean /= v.length;
                    assertTrue(min >= -0.05 && max <= 0.05, p.getKey() + " in ±0.05");
                    assertTrue(min < -0.049 && max > 0.049, p.getKey() + " fills the range");
                    assertEquals(0, mean, 0.002, p.getKey() + " mean");
                }
            }
        }
    }

    @Test
    void activationsAreNonNegativeHaveHiddenWidthAndAreDeterministic() throws IOException {
        TestData d = TestData.linear(50, 40, 5, 3);
        try (MlpModel a = MlpModel.create(MlpSpec.paper(40, 5), 9);
                MlpModel b = MlpModel.create(MlpSpec.paper(40, 5), 9);
                MlpModel c = MlpModel.create(MlpSpec.paper(40, 5), 10)) {
            float[][] h = a.hidden(d.x);
            assertEquals(50, h.length);
            assertEquals(256, h[0].length);
            boolean someZero = false, somePositive = false;
            for (float[] r : h) {
                for (float v : r) {
                    assertTrue(v >= 0f);
                    someZero |= v == 0f;
                    somePositive |= v > 0f;
                }
            }
            assertTrue(someZero && somePositive, "ReLU output has both zeros and positives");
            // inference mode: dropout off, so repeated calls agree exactly
            assertArrayEquals(h, a.hidden(d.x));
            assertArrayEquals(h, b.hidden(d.x));
            assertFalse(java.util.Arrays.deepEquals(h, c.hidden(d.x)));
            // flat and streaming variants give the same numbers
            float[] flat = a.hidden(MlpModel.flatten(d.x), 50);
            assertArrayEquals(h[49], java.util.Arrays.copyOfRange(flat, 49 * 256, 50 * 256));
            FloatRowStore.write(dir.resolve("in.f32"), d.x);
            try (FloatRowStore in = FloatRowStore.open(dir.resolve("in.f32"));
                    FloatRowStore.Writer out = FloatRowStore.create(dir.resolve("h.f32"), 256)) {
                a.hidden(in, out);
            }
            try (FloatRowStore hs = FloatRowStore.open(dir.resolve("h.f32"))) {
                assertArrayEquals(h, hs.toArray());
            }
        }
    }

    @Test
    void activationsMatchAHandComputedForwardPass() {
        TestData d = TestData.linear(4, 6, 2, 4);
        try (MlpModel m = MlpModel.create(new MlpSpec(6, 3, 2, 0.5, 0.05), 2)) {
            float[] w = m.parameters().get(0).getValue().getArray().toFloatArray(); // [3, 6] (out, in)
            float[] b = m.parameters().get(1).getValue().getArray().toFloatArray();
            float[][] h = m.hidden(d.x);
            for (int i = 0; i < 4; i++) {
                for (int k = 0; k < 3; k++) {
                    double s = b[k];
                    for (int j = 0; j < 6; j++) s += w[k * 6 + j] * d.x[i][j];
                    assertEquals(Math.max(0, s), h[i][k], 1e-6);
                }
            }
        }
    }

    @Test
    void saveAndLoadGiveIdenticalPredictionsAndCheckTheSpec() {
        TestData d = TestData.linear(20, 30, 4, 5);
        MlpSpec spec = MlpSpec.paper(30, 4);
        try (MlpModel m = MlpModel.create(spec, 11)) {
            byte[] bytes = m.saveParameters();
            try (MlpModel loaded = MlpModel.load(spec, bytes)) {
                assertArrayEquals(m.predict(d.x), loaded.predict(d.x));
                assertArrayEquals(m.hidden(d.x), loaded.hidden(d.x));
                assertEquals(spec.parameterCount(), loaded.parameterCount());
            }
            assertThrows(IllegalArgumentException.class, () -> MlpModel.load(MlpSpec.paper(31, 4), bytes));
            try (MlpModel other = MlpModel.create(spec, 12)) {
                other.loadParameters(bytes);
                assertArrayEquals(m.predict(d.x), other.predict(d.x));
            }
        }
    }
}
