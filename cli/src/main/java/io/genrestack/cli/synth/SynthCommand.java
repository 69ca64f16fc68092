package io.genrestack.cli.synth;

import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;

/**
 * {@code genrestack synth}: the synthetic data generator on the command line,
 * {@code --tracks N --seed S --out DIR [--shape synthetic|real] [--label-scale X] [--genres G] [--overwrite]}.
 * Prints progress (tracks/s) and the summary.
 */
@Command(
        name = "synth",
        description = {
            "Write synthetic AcousticBrainz low-level JSON and four-source ground truth (docs/synthetic-data.md).",
            "Layout: DIR/lowlevel/, DIR/groundtruth/, DIR/synthetic.json."
        },
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {
            "0:data set written, summary printed",
            "1:writing failed (an I/O error)",
            "2:usage error: --out missing, an unknown option or bad value, --label-scale or --genres with --shape"
                    + " real, DIR holding data already without --overwrite"
        })
public final class SynthCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(
            names = "--tracks",
            paramLabel = "N",
            defaultValue = "10000",
            description = "tracks (default: ${DEFAULT-VALUE})")
    int tracks;

    @Option(names = "--seed", paramLabel = "S", defaultValue = "42", description = "seed (default: ${DEFAULT-VALUE})")
    long seed;

    @Option(names = "--out", paramLabel = "DIR", required = true, description = "output folder")
    Path out;

    @Option(
            names = "--shape",
            paramLabel = "synthetic|real",
            defaultValue = "synthetic",
            converter = Shape.Converter.class,
            completionCandidates = Shape.Candidates.class,
            description = "real: the MediaEval sources' label counts and coverage (default: ${DEFAULT-VALUE})")
    Shape shape;

    @Option(
            names = "--label-scale",
            paramLabel = "X",
            description = "taxonomy size factor, --shape synthetic only (default: "
                    + SyntheticGenerator.DEFAULT_LABEL_SCALE + ")")
    Double labelScale;

    @Option(
            names = "--genres",
            paramLabel = "G",
            description = "latent genres, --shape synthetic only (default: " + SyntheticGenerator.DEFAULT_GENRES + ")")
    Integer genres;

    @Option(names = "--overwrite", description = "write into a folder that holds files already")
    boolean overwrite;

    @Override
    public Integer call() {
        if (shape == Shape.REAL && (labelScale != null || genres != null)) {
            throw new ParameterException(
                    spec.commandLine(),
                    "--label-scale and --genres apply to --shape synthetic; the real shape fixes both");
        }
        PrintWriter console = spec.commandLine().getOut();
        long t0 = System.nanoTime();
        SyntheticGenerator.Summary s = SyntheticGenerator.generate(
                new SyntheticGenerator.Options(
                        tracks,
                        seed,
                        out,
                        labelScale != null ? labelScale : SyntheticGenerator.DEFAULT_LABEL_SCALE,
                        genres != null ? genres : SyntheticGenerator.DEFAULT_GENRES,
                        overwrite,
                        shape),
                (done, total) -> {
                    double sec = (System.nanoTime() - t0) / 1e9;
                    console.printf(
                            Locale.ROOT, "%d/%d tracks, %.0f tracks/s%n", done, total, done / Math.max(sec, 1e-9));
                });
        console.print(format(s));
        console.flush();
        return 0;
    }

    /** Human-readable summary. */
    static String format(SyntheticGenerator.Summary s) {
        StringBuilder sb = new StringBuilder();
        sb.append(String.format(
                Locale.ROOT,
                "generated %d tracks in %d release groups, %.1f MB, %.1f s (%.0f tracks/s)%n",
                s.tracks(),
                s.releaseGroups(),
                s.bytes() / 1e6,
                s.seconds(),
                s.tracks() / Math.max(s.seconds(), 1e-9)));
        sb.append("tracks tagged by 1/2/3/4 sources: ").append(s.overlap()).append('\n');
        for (SyntheticGenerator.SourceSummary src : s.sources()) {
            sb.append(String.format(
                    Locale.ROOT,
                    "%-9s tracks %6d  release groups %5d  labels %3d (target %3d)  " + "min tracks/label %d%n",
                    src.source(),
                    src.tracks(),
                    src.releaseGroups(),
                    src.labels(),
                    src.targetLabels(),
                    src.minTracksPerLabel()));
        }
        return sb.toString();
    }
}
