package io.genrestack.cli.synth;

import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * The latent side of the generative model: genre and sub-genre embeddings in {@code R^D} (a genre leans towards
 * its neighbour), a fixed random tanh layer giving {@code K} non-linear factors, per-genre key/scale distributions,
 * and the moments that standardise the factors {@code φ = [z, tanh(W z + b)]}. Also draws a release group's truth
 * and latent offset. See docs/synthetic-data.md, "Latent genres" and "Features".
 */
final class LatentModel {

    /** Latent embedding dimension. */
    static final int D = 32;
    /** Number of non-linear (tanh) latent factors. */
    static final int K = 48;

    private final FeatureModel.Params params;
    private final double[][] genreEmb;
    private final double[][][] subEmb;
    private final double[][] w;
    private final double[] b;
    private final double[] phiMean;
    private final double[] phiSd;
    private final double[][] keyWeights;
    private final double[] minorProb;
    private final double[] z = new double[D];

    /** Draws the latent parameters from {@code rng} (embeddings, tanh layer, key distributions, then moments). */
    LatentModel(FeatureModel.Params params, LatentTaxonomy latent, SplittableRandom rng) {
        this.params = params;
        int g = latent.size();
        genreEmb = new double[g][D];
        subEmb = new double[g][][];
        for (int i = 0; i < g; i++) {
            int nb = latent.genres().get(i).neighbour();
            for (int d = 0; d < D; d++) {
                double x = Rng.gaussian(rng);
                genreEmb[i][d] = nb < i ? 0.5 * genreEmb[nb][d] + 0.866 * x : x;
            }
            int ns = latent.genres().get(i).subs().size();
            subEmb[i] = new double[ns][D];
            for (int s = 0; s < ns; s++) {
                for (int d = 0; d < D; d++) {
                    subEmb[i][s][d] = Rng.gaussian(rng);
                }
            }
        }
        w = new double[K][D];
        b = new double[K];
        for (int k = 0; k < K; k++) {
            for (int d = 0; d < D; d++) {
                w[k][d] = Rng.gaussian(rng) * 1.5 / StrictMath.sqrt(D);
            }
            b[k] = 0.5 * Rng.gaussian(rng);
        }
        keyWeights = new double[g][12];
        minorProb = new double[g];
        for (int i = 0; i < g; i++) {
            for (int k = 0; k < 12; k++) {
                keyWeights[i][k] = StrictMath.exp(Rng.gaussian(rng));
            }
            minorProb[i] = 0.15 + 0.7 * rng.nextDouble();
        }
        // Standardise φ with moments from a fixed sample of latent tracks, so leaf signals have unit scale.
        phiMean = new double[D + K];
        phiSd = new double[D + K];
        Arrays.fill(phiSd, 1);
        int n = 4000;
        double[] sum = new double[D + K];
        double[] sq = new double[D + K];
        double[] phi = new double[D + K];
        SplittableRandom sr = rng.split();
        for (int t = 0; t < n; t++) {
            SourceTaxonomy.Truth truth = drawTruth(latent, sr);
            double[] off = new double[D];
            for (int d = 0; d < D; d++) {
                off[d] = params.rgNoise() * Rng.gaussian(sr);
            }
            rawFactors(truth, off, sr, phi);
            for (int i = 0; i < D + K; i++) {
                sum[i] += phi[i];
                sq[i] += phi[i] * phi[i];
            }
        }
        for (int i = 0; i < D + K; i++) {
            phiMean[i] = sum[i] / n;
            phiSd[i] = StrictMath.sqrt(Math.max(1e-12, sq[i] / n - phiMean[i] * phiMean[i]));
        }
    }

    /**
     * Draws a release group's latent truth: a main genre (mild Zipf popularity), sometimes a second genre
     * (preferably the neighbour), and 0-3 sub-genres per genre.
     */
    static SourceTaxonomy.Truth drawTruth(LatentTaxonomy latent, SplittableRandom r) {
        return drawTruth(latent, r, null);
    }

    /**
     * As {@link #drawTruth(LatentTaxonomy, SplittableRandom)}, with the number of sub-genres per genre drawn from
     * {@code subCountProbs} (index = count) instead of the default 0-3 (.10/.45/.35/.10) when it is not null.
     */
    static SourceTaxonomy.Truth drawTruth(LatentTaxonomy latent, SplittableRandom r, double[] subCountProbs) {
        double[] pop = new double[latent.size()];
        for (int i = 0; i < pop.length; i++) {
            pop[i] = latent.genres().get(i).popularity();
        }
        int main = Rng.weighted(r, pop);
        int second = -1;
        if (r.nextDouble() < 0.3) {
            if (r.nextDouble() < 0.5) {
                second = latent.genres().get(main).neighbour();
            } else {
                second = Rng.weighted(r, pop);
            }
            if (second == main) {
                second = -1;
            }
        }
        int[] genres = second < 0 ? new int[] {main} : new int[] {main, second};
        int[][] subs = new int[genres.length][];
        for (int gi = 0; gi < genres.length; gi++) {
            int count;
            if (subCountProbs == null) {
                double x = r.nextDouble();
                count = x < 0.10 ? 0 : x < 0.55 ? 1 : x < 0.90 ? 2 : 3;
            } else {
                count = Rng.weighted(r, subCountProbs);
            }
            double[] share = latent.genres().get(genres[gi]).subShare().clone();
            int[] chosen = new int[Math.min(count, share.length)];
            for (int k = 0; k < chosen.length; k++) {
                int s = Rng.weighted(r, share);
                chosen[k] = s;
                share[s] = 0;
            }
            Arrays.sort(chosen);
            subs[gi] = chosen;
        }
        return new SourceTaxonomy.Truth(genres, subs);
    }

    /** A release group's shared latent offset. */
    double[] releaseGroupOffset(SplittableRandom r) {
        double[] off = new double[D];
        for (int d = 0; d < D; d++) {
            off[d] = params.rgNoise() * Rng.gaussian(r);
        }
        return off;
    }

    /** A track's standardised latent factors {@code φ} (length {@code D + K}) into {@code phi}. */
    void factors(SourceTaxonomy.Truth truth, double[] rgOffset, SplittableRandom r, double[] phi) {
        rawFactors(truth, rgOffset, r, phi);
        for (int i = 0; i < D + K; i++) {
            phi[i] = (phi[i] - phiMean[i]) / phiSd[i];
        }
    }

    /** Draws a key index for a track whose main genre is {@code genre}. */
    int drawKey(int genre, SplittableRandom r) {
        return Rng.weighted(r, keyWeights[genre]);
    }

    /** Probability that a track of main genre {@code genre} is in a minor key. */
    double minorProbability(int genre) {
        return minorProb[genre];
    }

    private void rawFactors(SourceTaxonomy.Truth truth, double[] rgOffset, SplittableRandom r, double[] phi) {
        for (int d = 0; d < D; d++) {
            z[d] = rgOffset[d] + params.trackNoise() * Rng.gaussian(r);
        }
        for (int gi = 0; gi < truth.genres().length; gi++) {
            int g = truth.genres()[gi];
            double wg = gi == 0 ? 1.0 : params.secondWeight();
            double ge = wg * params.genreScale();
            double se = wg * params.subScale();
            for (int d = 0; d < D; d++) {
                z[d] += ge * genreEmb[g][d];
            }
            for (int s : truth.subs()[gi]) {
                for (int d = 0; d < D; d++) {
                    z[d] += se * subEmb[g][s][d];
                }
            }
        }
        for (int d = 0; d < D; d++) {
            phi[d] = z[d];
        }
        for (int k = 0; k < K; k++) {
            double a = b[k];
            for (int d = 0; d < D; d++) {
                a += w[k][d] * z[d];
            }
            phi[D + k] = StrictMath.tanh(a);
        }
    }
}
