package io.genrestack.stacker;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** The stacked input: blocks L2-normalised one by one, zero blocks stay zero, order kept, inputs untouched. */
class StackedInputTest {
    @Test
    void normalisesEachBlockSeparatelyAndKeepsZeroBlocks() {
        float[] a = {3, 4};
        float[] zero = {0, 0, 0};
        float[] b = {0, 0, 2};
        float[] x = StackedInput.of(a, zero, b);
        assertArrayEquals(new float[] {0.6f, 0.8f, 0, 0, 0, 0, 0, 1}, x, 1e-7f);
        assertArrayEquals(new float[] {3, 4}, a, "inputs are copied, not changed");
    }

    @Test
    void normalisesInPlaceAndRejectsNonFiniteValues() {
        float[] v = {9, 1, 1, 9};
        StackedInput.normaliseBlock(v, 1, 2);
        assertEquals(9f, v[0]);
        assertEquals((float) (1 / Math.sqrt(2)), v[1], 1e-7f);
        assertEquals(9f, v[3]);
        assertThrows(
                IllegalArgumentException.class, () -> StackedInput.normaliseBlock(new float[] {1, Float.NaN}, 0, 2));
    }
}
