package io.genrestack.common.stats;

/**
 * Applies train statistics to a vector: {@code (x - mean) / std}; a missing value (NaN) becomes the train mean,
 * i.e. 0 after scaling; a zero-variance feature becomes 0 (e.g. the constant {@code tonal.thpcp.0}); a feature never
 * seen in train becomes 0. Zero variance means std = 0, std below {@link #MIN_STD}, or std below
 * {@link #MIN_RELATIVE_STD} × |mean| — variation within float32 rounding of the mean, which scaling would only blow
 * up into noise. Features with tiny values but real relative variation (e.g. dispersions around 1e-9) are kept.
 */
public final class Standardiser {
    /** Absolute floor: standard deviations at or below this are zero variance. */
    public static final double MIN_STD = 1e-30;

    /** Relative floor: std at or below this fraction of |mean| is float32 rounding noise, i.e. zero variance. */
    public static final double MIN_RELATIVE_STD = 1e-6;

    private final double[] mean;
    private final double[] invStd; // 0 for zero-variance features
    private final boolean[] zeroVariance;

    public Standardiser(FeatureStats stats) {
        int n = stats.size();
        mean = new double[n];
        invStd = new double[n];
        zeroVariance = new boolean[n];
        for (int i = 0; i < n; i++) {
            mean[i] = stats.mean(i);
            double s = stats.std(i);
            zeroVariance[i] = stats.count(i) == 0 || s <= MIN_STD || s <= MIN_RELATIVE_STD * Math.abs(stats.mean(i));
            invStd[i] = zeroVariance[i] ? 0 : 1.0 / s;
        }
    }

    public int size() {
        return mean.length;
    }

    public boolean zeroVariance(int i) {
        return zeroVariance[i];
    }

    public int zeroVarianceCount() {
        int c = 0;
        for (boolean z : zeroVariance) {
            c += z ? 1 : 0;
        }
        return c;
    }

    /** Standardises into a new array. */
    public float[] apply(float[] x) {
        if (x.length != mean.length) {
            throw new IllegalArgumentException("vector has " + x.length + " values, statistics have " + mean.length);
        }
        float[] out = new float[x.length];
        for (int i = 0; i < x.length; i++) {
            float v = x[i];
            out[i] = Float.isNaN(v) || zeroVariance[i]
                    ? 0f
                    : (float) ((v - mean[i]) * invStd[i]); // double: large means, small stds
        }
        return out;
    }
}
