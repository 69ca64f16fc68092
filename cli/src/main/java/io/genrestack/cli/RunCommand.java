package io.genrestack.cli;

import io.genrestack.cli.synth.Shape;
import io.genrestack.common.features.FeatureManifest;
import io.genrestack.common.model.Ablations;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.stream.Stream;

/** {@code genrestack run}: its options, parsed into {@link LocalRun.Options}, and the run ({@link LocalRun#run}). */
@Command(
        name = "run",
        description = {
            "Run the whole pipeline locally: Kafka + S3 (scripts/local-infra.sh), synthetic or given data, the five"
                    + " services as processes; prints each stage's progress and the macro ROC-AUC table next to"
                    + " the paper's, and stops what it started (also on Ctrl-C).",
            "Default: 20000 synthetic tracks, seed 42, the paper's training settings (base and stacked models"
                    + " <=100 epochs, patience 4)."
        },
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {
            "0:the run finished, report printed",
            "1:a stage failed or the run timed out (the stage and the log folder are named on stderr)",
            "2:usage error (unknown option, malformed value, --data without --ground-truth)",
            "130:interrupted (Ctrl-C): services and servers stopped"
        })
final class RunCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(
            names = "--tracks",
            paramLabel = "N",
            defaultValue = "20000",
            description = "synthetic tracks to generate (default: ${DEFAULT-VALUE})")
    int tracks;

    @Option(
            names = "--seed",
            paramLabel = "S",
            defaultValue = "42",
            description = "seed of the synthetic data and the split (default: ${DEFAULT-VALUE})")
    long seed;

    @Option(
            names = "--shape",
            paramLabel = "synthetic|real",
            defaultValue = "synthetic",
            converter = Shape.Converter.class,
            completionCandidates = Shape.Candidates.class,
            description = "synthetic data's shape; real: the MediaEval sources' label counts and coverage"
                    + " (default: ${DEFAULT-VALUE})")
    Shape shape;

    @Option(
            names = "--max-epochs",
            paramLabel = "N",
            description = "cap the base models' epochs (default: the paper's 100)")
    Integer maxEpochs;

    @Option(
            names = "--stacked-max-epochs",
            paramLabel = "N",
            description = "cap the stacked models' epochs (default: 100)")
    Integer stackedMaxEpochs;

    @Option(
            names = "--ablations",
            paramLabel = "A",
            split = ",",
            description = "stacked models also trained on subsets of the base models' activations, in the report per"
                    + " source: own, leave-one-out, or sources joined by + (allmusic+discogs) (default: none)")
    List<String> ablations = new ArrayList<>();

    @Option(
            names = "--data",
            paramLabel = "DIR_OR_ARCHIVE",
            description = "real AcousticBrainz low-level data (a folder or .tar.bz2; repeatable), with --ground-truth")
    List<String> data = new ArrayList<>();

    @Option(
            names = "--ground-truth",
            paramLabel = "DIR_OR_TSV",
            description = "ground-truth TSVs (a folder or a file; repeatable), with --data")
    List<String> groundTruth = new ArrayList<>();

    @Option(names = "--given-split", description = "use the ground truth's train/validation split")
    boolean givenSplit;

    @Option(
            names = "--preset",
            paramLabel = "paper|full|common-layout",
            completionCandidates = Presets.class,
            description = "feature preset of the run: paper (2669 inputs), full (2675) or common-layout (2669);"
                    + " docs/features.md (default: paper)")
    String preset;

    /** The feature presets, for completion and help ({@code FeatureManifest.PRESETS}). */
    static final class Presets implements Iterable<String> {
        @Override
        public java.util.Iterator<String> iterator() {
            return FeatureManifest.PRESETS.iterator();
        }
    }

    /** {@code value}, or a usage error naming the presets when it is not one of them. */
    static String preset(CommandLine cl, String option, String value) {
        if (value != null && !FeatureManifest.PRESETS.contains(value)) {
            throw new ParameterException(
                    cl, option + " must be one of " + String.join(", ", FeatureManifest.PRESETS) + ": '" + value + "'");
        }
        return value;
    }

    @Option(names = "--run-id", paramLabel = "ID", description = "the run's id (default: local-<yyyyMMdd-HHmmss>)")
    String runId;

    @Option(
            names = "--work",
            paramLabel = "DIR",
            description = "work folder: data, logs, service scratch (default: .work/local-run in the repository)")
    Path work;

    @Option(
            names = "--timeout-minutes",
            paramLabel = "M",
            defaultValue = "60",
            description = "fail when the run has not finished after M minutes (default: ${DEFAULT-VALUE})")
    int timeoutMinutes;

    @Option(names = "--keep", description = "leave the services and servers running afterwards")
    boolean keep;

    @Option(
            names = "--port-offset",
            paramLabel = "K",
            defaultValue = "0",
            description = "add K to every service's port 8091..8095 (default: ${DEFAULT-VALUE})")
    int portOffset;

    /** The options of {@code genrestack run ARGS} as the CLI parses them (work folder default under {@code repo}). */
    static LocalRun.Options parse(List<String> args, Path repo) {
        CommandLine.ParseResult parsed = Genrestack.commandLine()
                .parseArgs(Stream.concat(Stream.of("run"), args.stream()).toArray(String[]::new));
        RunCommand run = (RunCommand) parsed.subcommand().commandSpec().userObject();
        return run.options(repo);
    }

    /** The parsed options; the work folder defaults to {@code .work/local-run} under {@code repo}. */
    LocalRun.Options options(Path repo) {
        if (data.isEmpty() != groundTruth.isEmpty()) {
            throw new ParameterException(spec.commandLine(), "--data and --ground-truth go together");
        }
        Ablations.problem(ablations).ifPresent(p -> {
            throw new ParameterException(spec.commandLine(), "--" + p);
        });
        return new LocalRun.Options(
                tracks,
                seed,
                List.copyOf(data),
                List.copyOf(groundTruth),
                maxEpochs,
                stackedMaxEpochs,
                (work != null ? work : repo.resolve(".work/local-run")).toAbsolutePath(),
                timeoutMinutes,
                keep,
                givenSplit,
                runId,
                portOffset,
                shape,
                preset(spec.commandLine(), "--preset", preset),
                List.copyOf(ablations));
    }

    @Override
    public Integer call() throws Exception {
        Path repo = LocalRun.repoRoot();
        return LocalRun.run(options(repo), repo);
    }
}
