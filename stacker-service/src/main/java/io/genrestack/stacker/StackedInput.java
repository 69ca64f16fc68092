package io.genrestack.stacker;

/**
 * The input of a stacked model: the base models' hidden activations of one track, each block L2-normalised (a zero
 * block stays zero), concatenated in {@link io.genrestack.common.Sources#ALL} order. One definition for training
 * (the stage) and serving ({@code /predict}), so both build exactly the same vector.
 */
public final class StackedInput {
    private StackedInput() {}

    /**
     * L2-normalises {@code v[offset, offset+len)} in place (norm computed in double).
     *
     * @throws IllegalArgumentException when the block holds a non-finite value
     */
    public static void normaliseBlock(float[] v, int offset, int len) {
        double sq = 0;
        for (int i = offset; i < offset + len; i++) {
            sq += (double) v[i] * v[i];
        }
        if (!Double.isFinite(sq)) {
            throw new IllegalArgumentException("activation block at " + offset + " holds a non-finite value");
        }
        if (sq == 0) {
            return;
        }
        double inv = 1.0 / Math.sqrt(sq);
        for (int i = offset; i < offset + len; i++) {
            v[i] = (float) (v[i] * inv);
        }
    }

    /** Concatenates the blocks (each copied and L2-normalised) into a new vector. */
    public static float[] of(float[]... blocks) {
        int n = 0;
        for (float[] b : blocks) {
            n += b.length;
        }
        float[] out = new float[n];
        int off = 0;
        for (float[] b : blocks) {
            System.arraycopy(b, 0, out, off, b.length);
            normaliseBlock(out, off, b.length);
            off += b.length;
        }
        return out;
    }
}
