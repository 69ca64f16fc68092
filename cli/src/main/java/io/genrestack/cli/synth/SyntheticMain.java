package io.genrestack.cli.synth;

import java.nio.file.Path;
import java.util.Locale;

/**
 * Command line entry point of the synthetic data generator:
 * {@code --tracks N --seed S --out DIR [--shape synthetic|real] [--label-scale X] [--genres G] [--overwrite]}.
 * Prints progress (tracks/s) and the summary.
 */
public final class SyntheticMain {

    private SyntheticMain() {}

    public static void main(String[] args) {
        int tracks = 10_000;
        long seed = 42;
        Path out = null;
        double labelScale = SyntheticGenerator.DEFAULT_LABEL_SCALE;
        int genres = SyntheticGenerator.DEFAULT_GENRES;
        boolean overwrite = false;
        Shape shape = Shape.SYNTHETIC;
        boolean sized = false;
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            switch (a) {
                case "--tracks" -> tracks = Integer.parseInt(value(args, ++i, a));
                case "--seed" -> seed = Long.parseLong(value(args, ++i, a));
                case "--out" -> out = Path.of(value(args, ++i, a));
                case "--shape" -> shape = Shape.parse(value(args, ++i, a));
                case "--label-scale" -> {
                    labelScale = Double.parseDouble(value(args, ++i, a));
                    sized = true;
                }
                case "--genres" -> {
                    genres = Integer.parseInt(value(args, ++i, a));
                    sized = true;
                }
                case "--overwrite" -> overwrite = true;
                case "-h", "--help" -> {
                    usage();
                    return;
                }
                default -> {
                    System.err.println("unknown argument: " + a);
                    usage();
                    System.exit(2);
                }
            }
        }
        if (out == null) {
            usage();
            System.exit(2);
        }
        if (shape == Shape.REAL && sized) {
            System.err.println("--label-scale and --genres apply to --shape synthetic; the real shape fixes both");
            System.exit(2);
        }
        long t0 = System.nanoTime();
        SyntheticGenerator.Summary s = SyntheticGenerator.generate(
                new SyntheticGenerator.Options(tracks, seed, out, labelScale, genres, overwrite, shape),
                (done, total) -> {
                    double sec = (System.nanoTime() - t0) / 1e9;
                    System.out.printf(
                            Locale.ROOT, "%d/%d tracks, %.0f tracks/s%n", done, total, done / Math.max(sec, 1e-9));
                });
        System.out.println(format(s));
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

    private static String value(String[] args, int i, String name) {
        if (i >= args.length) {
            throw new IllegalArgumentException(name + " needs a value");
        }
        return args[i];
    }

    private static void usage() {
        System.err.println("usage: synth --tracks N --seed S --out DIR [--shape synthetic|real] [--label-scale X]"
                + " [--genres G] [--overwrite]");
    }
}
