package io.genrestack.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.concurrent.Callable;

/**
 * {@code genrestack study}: one run configuration once per seed, per feature preset, or per preset and seed
 * ({@code POST /studies}), locally like {@code run} ({@link LocalRun#executeStudy}); prints the evaluator's study
 * tables ({@code GET /studies/{id}/report.md}).
 */
@Command(
        name = "study",
        description = {
            "Run a study locally: the services as for `run`, one run per seed, per feature preset (--presets), or"
                    + " per preset and seed (both given) (POST /studies), each followed to its report; prints mean,"
                    + " standard deviation, min and max of the macro ROC-AUC over the seeds (per preset when presets"
                    + " vary) and each run's bootstrap intervals (GET /studies/{id}/report.md).",
            "Any option of `run` (--tracks, --seed, --max-epochs, --stacked-max-epochs, --data, --ground-truth,"
                    + " --preset, --work, --keep, ...; see `genrestack run --help`) may follow, except --run-id"
                    + " (and --preset with --presets)."
        },
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {
            "0:every run finished, study table printed",
            "1:a stage failed or a run timed out (the stage and the log folder are named on stderr)",
            "2:usage error (unknown option, malformed value, neither --seeds nor --presets, fewer than 2 or more than"
                    + " 20 seeds, fewer than 2 presets or an unknown one)",
            "130:interrupted (Ctrl-C): services and servers stopped"
        })
final class StudyCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(
            names = "--seeds",
            paramLabel = "S,S[,...]",
            split = ",",
            description = "the seeds, 2 to 20, distinct: one run per seed (per preset and seed with --presets)")
    List<Long> seeds = new ArrayList<>();

    @Option(
            names = "--presets",
            paramLabel = "P,P[,...]",
            split = ",",
            completionCandidates = RunCommand.Presets.class,
            description = "feature presets to compare, 2 or more of paper, full, common-layout: one run per preset"
                    + " (on --seed, or on every seed of --seeds)")
    List<String> presets = new ArrayList<>();

    @Option(
            names = "--vary",
            paramLabel = "model|both",
            defaultValue = "model",
            description = "with --seeds; model: split seed fixed (--seed), model seed varied; both: split and model"
                    + " seeded by each seed (default: ${DEFAULT-VALUE})")
    String vary;

    @Option(
            names = "--study-id",
            paramLabel = "ID",
            description = "the study's id; its runs are ID-s<seed>, ID-<preset> or ID-<preset>-s<seed> (default:"
                    + " study-<yyyyMMdd-HHmmss>)")
    String studyId;

    @CommandLine.Unmatched
    List<String> runOptions = new ArrayList<>();

    @Override
    public Integer call() throws Exception {
        if (seeds.isEmpty() && presets.isEmpty()) {
            throw new ParameterException(
                    spec.commandLine(), "a study varies --seeds or --presets (or both): give at least one");
        }
        if (!seeds.isEmpty()
                && (seeds.size() < 2 || seeds.size() > 20 || new LinkedHashSet<>(seeds).size() != seeds.size())) {
            throw new ParameterException(spec.commandLine(), "--seeds needs 2 to 20 distinct seeds");
        }
        for (String p : presets) {
            RunCommand.preset(spec.commandLine(), "--presets", p);
        }
        if (!presets.isEmpty() && (presets.size() < 2 || new LinkedHashSet<>(presets).size() != presets.size())) {
            throw new ParameterException(spec.commandLine(), "--presets needs 2 or more distinct presets");
        }
        if (!vary.equals("model") && !vary.equals("both")) {
            throw new ParameterException(spec.commandLine(), "--vary is model or both");
        }
        Path repo = LocalRun.repoRoot();
        LocalRun.Options opts;
        try {
            opts = RunCommand.parse(runOptions, repo);
        } catch (ParameterException e) {
            // run's parser has its own command line: report on this one (its streams, its usage hint)
            throw new ParameterException(spec.commandLine(), e.getMessage(), e);
        }
        if (opts.runId() != null) {
            throw new ParameterException(spec.commandLine(), "a study names its runs: use --study-id, not --run-id");
        }
        if (opts.preset() != null && !presets.isEmpty()) {
            throw new ParameterException(spec.commandLine(), "--presets sets each run's preset: leave --preset out");
        }
        String id = studyId != null
                ? studyId
                : "study-" + LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss"));
        return LocalRun.run(opts, repo, r -> r.executeStudy(id, List.copyOf(seeds), List.copyOf(presets), vary));
    }
}
