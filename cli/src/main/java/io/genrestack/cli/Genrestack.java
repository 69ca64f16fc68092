package io.genrestack.cli;

import java.util.Arrays;
import java.util.List;

/**
 * The {@code genrestack} command (script {@code ./genrestack} at the repository root).
 *
 * <pre>
 * genrestack run [options]            the whole pipeline locally: Kafka + S3 + five services, report printed
 * genrestack synth --tracks N --out D synthetic AcousticBrainz JSON + four-source ground truth
 * genrestack features FILE [--preset] one file's feature vector with the name of every position (JSON)
 * genrestack decode TOPIC [...]       any topic's records as readable JSON
 * genrestack token --key K [...]      a bearer token for the REST API (TokenCommand)
 * </pre>
 */
public final class Genrestack {
    private Genrestack() {}

    public static void main(String[] argv) throws Exception {
        System.exit(run(Arrays.asList(argv)));
    }

    static int run(List<String> argv) throws Exception {
        if (argv.isEmpty() || argv.get(0).equals("--help") || argv.get(0).equals("help")) {
            System.out.println("""
                    usage: genrestack COMMAND [options]
                      run       run the whole pipeline locally (see: genrestack run --help)
                      synth     write synthetic AcousticBrainz JSON + ground truth \
                    (--tracks N --seed S --out DIR [--shape real])
                      features  print one low-level JSON's feature vector with names (FILE [--preset paper|full])
                      decode    print a topic's records as readable JSON \
                    (TOPIC [--bootstrap H:P] [--run R] [--max N] | --stdin)
                      token     sign a REST API token from a private key \
                    (--key PEM [--roles operator,reader] [--expires 1h]; see: genrestack token --help)
                    """);
            return argv.isEmpty() ? 2 : 0;
        }
        List<String> rest = argv.subList(1, argv.size());
        try {
            return switch (argv.get(0)) {
                case "decode" -> DecodeCommand.run(rest, System.out, System.err);
                case "features" -> {
                    io.genrestack.common.features.FeatureDump.main(rest.toArray(String[]::new));
                    yield 0;
                }
                case "synth" -> {
                    io.genrestack.cli.synth.SyntheticMain.main(rest.toArray(String[]::new));
                    yield 0;
                }
                case "run" -> LocalRun.main(rest);
                case "token" -> TokenCommand.run(rest, System.out, System.err);
                default -> {
                    System.err.println("unknown command '" + argv.get(0) + "' (try --help)");
                    yield 2;
                }
            };
        } catch (IllegalArgumentException e) {
            System.err.println("genrestack " + argv.get(0) + ": " + e.getMessage());
            return 2;
        }
    }
}
