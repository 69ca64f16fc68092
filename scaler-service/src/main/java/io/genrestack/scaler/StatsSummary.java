package io.genrestack.scaler;

import io.genrestack.common.model.StageJob;
import io.genrestack.common.stats.FeatureStats;
import io.genrestack.common.stats.Standardiser;

/** The human-readable {@code scaler/stats.md} of a run. */
final class StatsSummary {
    private StatsSummary() {}

    static String markdown(String run, FeatureStats s, Standardiser st, StageJob job) {
        StringBuilder b = new StringBuilder();
        b.append("# Scaler statistics of run `").append(run).append("`\n\n");
        b.append("Computed over the TRAIN split only (")
                .append(s.vectors())
                .append(" vectors, ")
                .append(s.size())
                .append(" features). Missing values are imputed with the train mean (0 after scaling); ")
                .append("features with zero variance (std ≤ ")
                .append(Standardiser.MIN_STD)
                .append(" or ≤ ")
                .append(Standardiser.MIN_RELATIVE_STD)
                .append(" × |mean|) are set to 0.\n\n");
        b.append("Binary statistics: `stats.bin` (count, missing, mean, M2 per feature).\n\n");
        long withMissing = 0;
        for (int i = 0; i < s.size(); i++) {
            withMissing += s.missing(i) > 0 ? 1 : 0;
        }
        b.append("- features with missing values in train: ")
                .append(withMissing)
                .append('\n');
        b.append("- zero-variance features: ").append(st.zeroVarianceCount()).append("\n\n");
        b.append("## Zero-variance features (index, mean)\n\n");
        for (int i = 0; i < s.size(); i++) {
            if (st.zeroVariance(i)) {
                b.append("- ").append(i).append(": mean ").append(s.mean(i)).append('\n');
            }
        }
        b.append("\n## Features with missing values (index, missing, present)\n\n");
        for (int i = 0; i < s.size(); i++) {
            if (s.missing(i) > 0) {
                b.append("- ")
                        .append(i)
                        .append(": ")
                        .append(s.missing(i))
                        .append(" missing, ")
                        .append(s.count(i))
                        .append(" present\n");
            }
        }
        b.append("\nManifest: `")
                .append(java.util.Objects.requireNonNullElse(job.manifest(), "?"))
                .append("`\n");
        return b.toString();
    }
}
