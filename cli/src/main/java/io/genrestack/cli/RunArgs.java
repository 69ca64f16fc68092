package io.genrestack.cli;

import io.genrestack.cli.synth.Shape;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** The options of {@code genrestack run}: parsed from the command line into {@link LocalRun.Options}. */
final class RunArgs {
    static final String USAGE = """
            usage: genrestack run [--tracks N] [--seed S] [--shape synthetic|real] [--max-epochs N]
                                  [--stacked-max-epochs N]
                                  [--data DIR_OR_ARCHIVE ... --ground-truth DIR_OR_TSV ...] [--given-split]
                                  [--run-id ID] [--work DIR] [--timeout-minutes M] [--keep] [--port-offset K]
              default: 20000 synthetic tracks, seed 42, the paper's training settings
                       (base and stacked models ≤100 epochs, patience 4)
            """;

    private RunArgs() {}

    /** The options of {@code args}; the work folder defaults to {@code .work/local-run} under {@code repo}. */
    static LocalRun.Options parse(List<String> args, Path repo) {
        Map<String, String> o = new HashMap<>();
        List<String> data = new ArrayList<>();
        List<String> gt = new ArrayList<>();
        for (int i = 0; i < args.size(); i++) {
            String a = args.get(i);
            switch (a) {
                case "--keep", "--given-split" -> o.put(a, "true");
                case "--data" -> data.add(value(args, ++i, a));
                case "--ground-truth" -> gt.add(value(args, ++i, a));
                case "--tracks",
                        "--seed",
                        "--shape",
                        "--max-epochs",
                        "--stacked-max-epochs",
                        "--work",
                        "--timeout-minutes",
                        "--run-id",
                        "--port-offset" -> o.put(a, value(args, ++i, a));
                default -> throw new IllegalArgumentException("unknown option " + a + " (see --help)");
            }
        }
        if (data.isEmpty() != gt.isEmpty()) {
            throw new IllegalArgumentException("--data and --ground-truth go together");
        }
        return new LocalRun.Options(
                Integer.parseInt(o.getOrDefault("--tracks", "20000")),
                Long.parseLong(o.getOrDefault("--seed", "42")),
                data,
                gt,
                o.containsKey("--max-epochs") ? Integer.parseInt(o.get("--max-epochs")) : null,
                o.containsKey("--stacked-max-epochs") ? Integer.parseInt(o.get("--stacked-max-epochs")) : null,
                Path.of(o.getOrDefault("--work", repo.resolve(".work/local-run").toString()))
                        .toAbsolutePath(),
                Integer.parseInt(o.getOrDefault("--timeout-minutes", "60")),
                o.containsKey("--keep"),
                o.containsKey("--given-split"),
                o.get("--run-id"),
                Integer.parseInt(o.getOrDefault("--port-offset", "0")),
                Shape.parse(o.getOrDefault("--shape", "synthetic")));
    }

    private static String value(List<String> args, int i, String option) {
        if (i >= args.size()) {
            throw new IllegalArgumentException(option + " needs a value");
        }
        return args.get(i);
    }
}
