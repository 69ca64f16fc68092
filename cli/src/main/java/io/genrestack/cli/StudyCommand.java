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
 * {@code genrestack study}: one run configuration once per seed ({@code POST /studies}), locally like {@code run}
 * ({@link LocalRun#executeStudy}); prints the evaluator's study tables ({@code GET /studies/{id}/report.md}).
 */
@Command(
        name = "study",
        description = {
            "Run a study locally: the services as for `run`, one run per seed (POST /studies), each followed to its"
                    + " report; prints mean, standard deviation, min and max of the macro ROC-AUC over the seeds"
                    + " and each run's bootstrap intervals (GET /studies/{id}/report.md).",
            "Any option of `run` (--tracks, --seed, --max-epochs, --stacked-max-epochs, --data, --ground-truth,"
                    + " --work, --keep, ...; see `genrestack run --help`) may follow, except --run-id."
        },
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {
            "0:every run finished, study table printed",
            "1:a stage failed or a run timed out (the stage and the log folder are named on stderr)",
            "2:usage error (unknown option, malformed value, fewer than 2 or more than 20 seeds)",
            "130:interrupted (Ctrl-C): services and servers stopped"
        })
final class StudyCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(
            names = "--seeds",
            paramLabel = "S,S[,...]",
            required = true,
            split = ",",
            description = "the seeds, 2 to 20, distinct: one run per seed")
    List<Long> seeds;

    @Option(
            names = "--vary",
            paramLabel = "model|both",
            defaultValue = "model",
            description = "model: split seed fixed (--seed), model seed varied; both: split and model seeded by"
                    + " each seed (default: ${DEFAULT-VALUE})")
    String vary;

    @Option(
            names = "--study-id",
            paramLabel = "ID",
            description = "the study's id; its runs are ID-s<seed> (default: study-<yyyyMMdd-HHmmss>)")
    String studyId;

    @CommandLine.Unmatched
    List<String> runOptions = new ArrayList<>();

    @Override
    public Integer call() throws Exception {
        if (seeds.size() < 2 || seeds.size() > 20 || new LinkedHashSet<>(seeds).size() != seeds.size()) {
            throw new ParameterException(spec.commandLine(), "--seeds needs 2 to 20 distinct seeds");
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
        String id = studyId != null
                ? studyId
                : "study-" + LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss"));
        return LocalRun.run(opts, repo, r -> r.executeStudy(id, List.copyOf(seeds), vary));
    }
}
