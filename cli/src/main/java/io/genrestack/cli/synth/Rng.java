package io.genrestack.cli.synth;

import java.util.SplittableRandom;

/**
 * Deterministic random helpers for the synthetic data generator.
 *
 * <p>Everything is built on {@link SplittableRandom#nextLong()} / {@link SplittableRandom#nextDouble()}, whose
 * output is specified, and on {@link StrictMath}, so the same seed gives the same bytes on every JVM. The JDK's
 * {@code nextGaussian()} is deliberately not used (its algorithm is not specified and changed between JDKs).
 */
final class Rng {
    private Rng() {}

    /** Stafford variant 13 of the 64-bit finalizer (as used by SplittableRandom): mixes a seed and a stream id. */
    static long mix(long seed, long stream) {
        long z = seed + 0x9E3779B97F4A7C15L * (stream + 1);
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }

    /** A generator for an independent named stream of the given seed. */
    static SplittableRandom stream(long seed, long streamId) {
        return new SplittableRandom(mix(seed, streamId));
    }

    /** Standard normal variate (Box-Muller with StrictMath, one value per call). */
    static double gaussian(SplittableRandom r) {
        double u1 = r.nextDouble();
        while (u1 <= 1e-300) {
            u1 = r.nextDouble();
        }
        double u2 = r.nextDouble();
        return StrictMath.sqrt(-2.0 * StrictMath.log(u1)) * StrictMath.cos(2.0 * StrictMath.PI * u2);
    }

    /** Index drawn from non-negative weights (need not sum to 1). */
    static int weighted(SplittableRandom r, double[] weights) {
        double total = 0;
        for (double w : weights) {
            total += w;
        }
        double x = r.nextDouble() * total;
        for (int i = 0; i < weights.length; i++) {
            x -= weights[i];
            if (x < 0) {
                return i;
            }
        }
        return weights.length - 1;
    }

    /** A random (version 4, IETF variant) UUID string made from the generator's next 128 bits. */
    static String uuid(SplittableRandom r) {
        long hi = r.nextLong();
        long lo = r.nextLong();
        hi = (hi & ~0xF000L) | 0x4000L;
        lo = (lo & 0x3FFFFFFFFFFFFFFFL) | 0x8000000000000000L;
        return new java.util.UUID(hi, lo).toString();
    }

    /** Lower-case hex string of {@code n} random hex digits. */
    static String hex(SplittableRandom r, int n) {
        StringBuilder sb = new StringBuilder(n);
        while (sb.length() < n) {
            String h = Long.toHexString(r.nextLong());
            for (int i = h.length(); i < 16 && sb.length() < n; i++) {
                sb.append('0');
            }
            for (int i = 0; i < h.length() && sb.length() < n; i++) {
                sb.append(h.charAt(i));
            }
        }
        return sb.toString();
    }
}
