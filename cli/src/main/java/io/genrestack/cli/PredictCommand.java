package io.genrestack.cli;

import io.genrestack.cli.synth.Shape;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

/**
 * {@code genrestack predict}: the MediaEval task's last step on this machine. Predicts unlabelled AcousticBrainz
 * low-level documents with the models of a finished run ({@link LocalRun#predict}) and writes the four MediaEval
 * submission files ({@code mediaeval-<source>.tsv}) and their scores ({@code scores-<source>.jsonl}) to object
 * storage and to a local folder.
 */
@Command(
        name = "predict",
        description = {
            "Predict the genres of unlabelled tracks (the official test set, or your own collection) with the models"
                    + " of a finished run: starts the extractor and the stacker against the same local Kafka + S3"
                    + " as `genrestack run` (use the same --work), and writes the MediaEval submission files of the"
                    + " four taxonomies (mediaeval-<source>.tsv: recordingmbid<TAB>label<TAB>..., no header) and"
                    + " the scores (scores-<source>.jsonl) to runs/<id>/predictions/ in the bucket and to --output.",
            "Bad documents are dead-lettered with the reason (dead-letters topic) and counted, never predicted."
        },
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {
            "0:the submission files are written",
            "1:the prediction failed or timed out, or the model run cannot predict (named on stderr)",
            "2:usage error (unknown option, malformed value, --run or --data missing)",
            "130:interrupted (Ctrl-C): services and servers stopped"
        })
final class PredictCommand implements Callable<Integer> {
    @Option(
            names = "--run",
            required = true,
            paramLabel = "ID",
            description = "the finished run whose feature manifest, scaler statistics, base and stacked models predict")
    String modelRun;

    @Option(
            names = "--data",
            required = true,
            paramLabel = "DIR_OR_ARCHIVE",
            description = "unlabelled AcousticBrainz low-level data: a folder, a .tar.bz2 or a .json file (repeatable)")
    List<String> data = new ArrayList<>();

    @Option(
            names = "--run-id",
            paramLabel = "ID",
            description = "the prediction run's id (default: predict-<yyyyMMdd-HHmmss>)")
    String runId;

    @Option(
            names = "--output",
            paramLabel = "DIR",
            description = "where to copy the files (default: <work>/predictions/<prediction run id>)")
    Path output;

    @Option(
            names = "--work",
            paramLabel = "DIR",
            description = "work folder: logs, service scratch (default: .work/local-run in the repository)")
    Path work;

    @Option(
            names = "--timeout-minutes",
            paramLabel = "M",
            defaultValue = "30",
            description = "fail when the prediction has not finished after M minutes (default: ${DEFAULT-VALUE})")
    int timeoutMinutes;

    @Option(names = "--keep", description = "leave the services and servers running afterwards")
    boolean keep;

    @Option(
            names = "--port-offset",
            paramLabel = "K",
            defaultValue = "0",
            description = "add K to every service's port 8091..8095 (default: ${DEFAULT-VALUE})")
    int portOffset;

    /** The options of the local run this command drives (the work folder defaults under {@code repo}). */
    LocalRun.Options options(Path repo, String predictionId) {
        return new LocalRun.Options(
                0,
                42,
                List.copyOf(data),
                List.of(),
                null,
                null,
                (work != null ? work : repo.resolve(".work/local-run")).toAbsolutePath(),
                timeoutMinutes,
                keep,
                false,
                predictionId,
                portOffset,
                Shape.SYNTHETIC);
    }

    @Override
    public Integer call() throws Exception {
        Path repo = LocalRun.repoRoot();
        String id = runId != null
                ? runId
                : "predict-"
                        + java.time.LocalDateTime.now()
                                .format(java.time.format.DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss"));
        LocalRun.Options opts = options(repo, id);
        Path out = (output != null ? output : opts.work().resolve("predictions").resolve(id)).toAbsolutePath();
        // the file paths, one per line; the services are stopped as `run` stops them
        return LocalRun.run(
                opts,
                repo,
                run -> String.join(
                        "\n",
                        run.predict(modelRun, out).values().stream()
                                .map(k -> out.resolve(k.substring(k.lastIndexOf('/') + 1))
                                        .toString())
                                .toList()));
    }
}
