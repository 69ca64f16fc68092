package io.genrestack.cli;

import io.genrestack.common.features.FeatureDump;
import io.genrestack.common.features.FeatureException;
import io.genrestack.common.features.FeatureManifest;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.Callable;

/** {@code genrestack features FILE}: one low-level JSON's feature vector with names ({@link FeatureDump}). */
@Command(
        name = "features",
        description = {
            "Print one AcousticBrainz low-level JSON's feature vector with the name of every position:"
                    + " {\"preset\":..,\"version\":..,\"size\":..,\"features\":{name: value, ...}} in column order,"
                    + " missing values as null (docs/features.md)."
        },
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {
            "0:vector printed",
            "1:the file cannot be read or flattened (the reason on stderr)",
            "2:usage error (no FILE, unknown preset or option)"
        })
final class FeaturesCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Parameters(index = "0", paramLabel = "FILE", description = "a low-level JSON file")
    Path file;

    @Option(
            names = "--preset",
            paramLabel = "paper|full|common-layout",
            defaultValue = FeatureManifest.DEFAULT_PRESET,
            completionCandidates = Presets.class,
            description = "paper: the paper's 2669 features (without the 6 constant bpm-histogram variances); full: all"
                    + " 2675; common-layout: 2669, without the 6 beats_loudness_band_ratio medians"
                    + " (docs/features.md; default: ${DEFAULT-VALUE})")
    String preset;

    @Option(
            names = "--exclude",
            paramLabel = "PREFIX_OR_GLOB",
            description = "leave out these features too (repeatable)")
    List<String> exclusions = new ArrayList<>();

    @Option(names = "--pretty", description = "indent the JSON")
    boolean pretty;

    /** The presets, for completion. */
    static final class Presets implements Iterable<String> {
        @Override
        public Iterator<String> iterator() {
            return FeatureManifest.PRESETS.iterator();
        }
    }

    @Override
    public Integer call() throws Exception {
        try {
            spec.commandLine().getOut().println(FeatureDump.dump(file, preset, exclusions, pretty));
            return Genrestack.OK;
        } catch (FeatureException e) {
            spec.commandLine().getErr().println(file + ": " + e.reason());
            return Genrestack.FAILED;
        }
    }
}
