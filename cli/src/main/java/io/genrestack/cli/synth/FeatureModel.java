package io.genrestack.cli.synth;

import com.fasterxml.jackson.core.JsonGenerator;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * Turns a track's latent genre mixture into the values of a complete AcousticBrainz low-level document.
 *
 * <p>The leaves come from the real template ({@link TemplateLeaves}); the latent factors
 * {@code φ = standardise([z, tanh(W z + b)])} from {@link LatentModel}. This class holds how leaves respond to
 * the factors: every descriptor group has two sparse random signals (a combination of {@value #NNZ} factors), and
 * every numeric leaf becomes {@code template value × exp(τ·u)}, where {@code u} is a leaf-specific mix of its
 * group's two signals plus leaf noise. Zero template values, 0/1 integer values and descriptors whose statistics
 * are all equal in the template stay that way; {@code min ≤ mean, median ≤ max} holds.
 * {@code rhythm.beats_position} and {@code rhythm.beats_count} are made from the track length and the generated
 * bpm; the four key/chord strings come from per-genre distributions over sharps. {@link LowLevelWriter} writes
 * the document.
 */
final class FeatureModel {

    /** Latent embedding dimension. */
    static final int D = LatentModel.D;
    /** Number of non-linear (tanh) latent factors. */
    static final int K = LatentModel.K;
    /** Non-zero loadings per descriptor signal. */
    static final int NNZ = 6;

    static final String[] KEYS = {"A", "A#", "B", "C", "C#", "D", "D#", "E", "F", "F#", "G", "G#"};

    /** Tunable strengths of the generative model. */
    record Params(
            double genreScale,
            double subScale,
            double secondWeight,
            double rgNoise,
            double trackNoise,
            double leafSignal,
            double leafNoise,
            double tau) {
        static Params defaults() {
            return new Params(1.0, 0.8, 0.6, 0.45, 0.55, 0.15, 1.0, 0.25);
        }
    }

    private final Params params;
    private final TemplateLeaves leaves;
    private final LatentModel latentModel;
    private final LowLevelWriter writer;

    // Per leaf: loadings on its group's two signals. Per group signal: factor indices and unit-norm weights.
    private final double[] a1;
    private final double[] a2;
    private final int[][] gIdx;
    private final double[][] gW;

    // Per-track scratch.
    private final double[] phi = new double[D + K];
    private final double[] s1;
    private final double[] s2;
    private final double[] values;
    private final List<Double> beats = new ArrayList<>(1024);

    private FeatureModel(TemplateLeaves leaves, Params params, LatentTaxonomy latent, SplittableRandom rng) {
        this.params = params;
        this.leaves = leaves;
        int nLeaves = leaves.nLeaves;
        int nGroups = leaves.nGroups;
        gIdx = new int[2 * nGroups][NNZ];
        gW = new double[2 * nGroups][NNZ];
        for (int i = 0; i < 2 * nGroups; i++) {
            double norm = 0;
            for (int k = 0; k < NNZ; k++) {
                gIdx[i][k] = rng.nextInt(D + K);
                gW[i][k] = Rng.gaussian(rng);
                norm += gW[i][k] * gW[i][k];
            }
            norm = StrictMath.sqrt(norm);
            for (int k = 0; k < NNZ; k++) {
                gW[i][k] /= norm;
            }
        }
        a1 = new double[nLeaves];
        a2 = new double[nLeaves];
        for (int i = 0; i < nLeaves; i++) {
            double j1 = 1 + 0.25 * Rng.gaussian(rng);
            double j2 = 0.3 * Rng.gaussian(rng);
            a1[i] = leaves.dispersion[i] ? j2 : j1;
            a2[i] = leaves.dispersion[i] ? j1 : j2;
        }
        s1 = new double[nGroups];
        s2 = new double[nGroups];
        values = new double[nLeaves];
        latentModel = new LatentModel(params, latent, rng);
        writer = new LowLevelWriter(leaves);
    }

    /** Loads the template resource and draws the model's random parameters. */
    static FeatureModel create(Params params, LatentTaxonomy latent, SplittableRandom rng) {
        return new FeatureModel(TemplateLeaves.load(), params, latent, rng);
    }

    int leafCount() {
        return leaves.nLeaves;
    }

    /** A release group's shared latent offset. */
    double[] releaseGroupOffset(SplittableRandom r) {
        return latentModel.releaseGroupOffset(r);
    }

    /**
     * Generates one track's values into the scratch buffers and writes its document. Not thread-safe (one model
     * per thread).
     */
    void writeTrack(
            JsonGenerator gen, SourceTaxonomy.Truth truth, double[] rgOffset, TrackInfo info, SplittableRandom r)
            throws IOException {
        latentModel.factors(truth, rgOffset, r, phi);
        for (int gI = 0; gI < leaves.nGroups; gI++) {
            s1[gI] = dot(2 * gI);
            s2[gI] = dot(2 * gI + 1);
        }
        double sig = params.leafSignal();
        double noise = params.leafNoise();
        double tau = params.tau();
        for (int i = 0; i < leaves.nLeaves; i++) {
            double gauss = Rng.gaussian(r);
            if (leaves.constant[i]) {
                values[i] = leaves.v0[i];
                continue;
            }
            int gI = leaves.group[i];
            double u = sig * (a1[i] * s1[gI] + a2[i] * s2[gI]) + noise * gauss;
            double v = leaves.v0[i] * StrictMath.exp(tau * u);
            values[i] = Math.min(leaves.clampHi[i], Math.max(leaves.clampLo[i], v));
        }
        for (int q = 0; q < leaves.quads.length; q++) {
            int[] idx = leaves.quads[q];
            if (leaves.quadEqual[q]) {
                double v = values[idx[2]];
                values[idx[0]] = v;
                values[idx[1]] = v;
                values[idx[3]] = v;
            } else {
                double me = values[idx[2]];
                double md = values[idx[3]];
                values[idx[0]] = Math.min(values[idx[0]], Math.min(me, md));
                values[idx[1]] = Math.max(values[idx[1]], Math.max(me, md));
            }
        }
        for (int i = 0; i < leaves.nLeaves; i++) {
            if (leaves.isInt[i]) {
                values[i] = Math.rint(values[i]);
            }
        }
        // Track length, beats consistent with the generated bpm.
        double length = Math.min(900, Math.max(60, 240 * StrictMath.exp(0.35 * Rng.gaussian(r))));
        double bpmValue = Math.min(220, Math.max(50, values[leaves.bpmLeaf]));
        double period = 60.0 / bpmValue;
        beats.clear();
        double t = 0.1 + r.nextDouble() * period;
        while (t < length - 0.2) {
            beats.add(t);
            t += period * (1 + 0.01 * Rng.gaussian(r));
        }
        values[leaves.beatsCountLeaf] = beats.size();
        // Key and chord strings from the genre's key distribution.
        int main = truth.genres()[0];
        String keyKey = KEYS[latentModel.drawKey(main, r)];
        String keyScale = r.nextDouble() < latentModel.minorProbability(main) ? "minor" : "major";
        String chordsKey = r.nextDouble() < 0.75 ? keyKey : KEYS[latentModel.drawKey(main, r)];
        String chordsScale = r.nextDouble() < 0.8 ? keyScale : (keyScale.equals("minor") ? "major" : "minor");
        Map<String, String> strings =
                Map.of("key_key", keyKey, "key_scale", keyScale, "chords_key", chordsKey, "chords_scale", chordsScale);
        double replayGain = -8 + 3 * Rng.gaussian(r);
        String md5 = Rng.hex(r, 32);
        writer.write(gen, new LowLevelWriter.Content(values, beats, strings, length, replayGain, md5), info);
    }

    private double dot(int sig) {
        int[] idx = gIdx[sig];
        double[] wt = gW[sig];
        double a = 0;
        for (int k = 0; k < NNZ; k++) {
            a += wt[k] * phi[idx[k]];
        }
        return a;
    }
}
