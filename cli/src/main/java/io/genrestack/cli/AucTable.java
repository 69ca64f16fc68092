package io.genrestack.cli;

import com.fasterxml.jackson.databind.JsonNode;
import io.genrestack.common.Sources;

/** The base-vs-stacked macro ROC-AUC table of an evaluator report, next to the paper's numbers. */
final class AucTable {
    private AucTable() {}

    static String table(JsonNode report) {
        StringBuilder b = new StringBuilder();
        b.append("\nMacro ROC-AUC on the validation split (run ")
                .append(report.path("runId").asText())
                .append(")\n\n");
        b.append(String.format(
                "%-10s %8s %8s %8s | %12s %12s%n", "source", "base", "stacked", "gain", "paper base", "paper stacked"));
        b.append("-".repeat(68)).append('\n');
        JsonNode sources = report.path("sources");
        for (String s : Sources.ALL) {
            JsonNode n = sources.path(s);
            double[] paper = Sources.PAPER_AUC.get(s);
            if (n.isMissingNode()) {
                b.append(String.format("%-10s %8s %8s %8s | %12.4f %12.4f%n", s, "-", "-", "-", paper[0], paper[1]));
                continue;
            }
            double base = n.path("base").path("macroAuc").asDouble(Double.NaN);
            double stacked = n.path("stacked").path("macroAuc").asDouble(Double.NaN);
            b.append(String.format(
                    "%-10s %8.4f %8.4f %+8.4f | %12.4f %12.4f%n",
                    s, base, stacked, stacked - base, paper[0], paper[1]));
        }
        if (report.path("config").path("synthetic").asBoolean(false)) {
            b.append("\nSynthetic data: this run's AUCs measure the pipeline on generated data; the paper's are shown"
                    + " for reference only and are not comparable (docs/synthetic-data.md).\n");
        }
        return b.toString();
    }
}
