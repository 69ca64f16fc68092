package io.genrestack.cli;

import com.fasterxml.jackson.databind.JsonNode;
import io.genrestack.common.serde.Json;
import io.genrestack.testkit.SharedData;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;

import java.io.ByteArrayOutputStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The {@code genrestack} command line as a user meets it: help for every command naming every option, the options
 * the hand-written parsers had, usage errors (exit 2, one clear line), --version, and the completion script.
 */
class CommandLineTest {
    /** The options each command had before picocli (Genrestack's help, RunArgs, SyntheticMain, FeatureDump). */
    static final Map<String, List<String>> OPTIONS_BEFORE = Map.of(
            "run",
            List.of(
                    "--tracks",
                    "--seed",
                    "--shape",
                    "--max-epochs",
                    "--stacked-max-epochs",
                    "--data",
                    "--ground-truth",
                    "--given-split",
                    "--run-id",
                    "--work",
                    "--timeout-minutes",
                    "--keep",
                    "--port-offset"),
            "synth",
            List.of("--tracks", "--seed", "--out", "--shape", "--label-scale", "--genres", "--overwrite"),
            "features",
            List.of("--preset", "--exclude", "--pretty"),
            "decode",
            List.of("--bootstrap", "--run", "--max", "--stdin"),
            "token",
            List.of("--key", "--new-key-pair", "--roles", "--expires", "--subject", "--issuer"));

    /** What a command printed and returned. */
    record Result(int code, String out, String err) {}

    static Result cli(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code = Genrestack.execute(
                new PrintWriter(out, true, StandardCharsets.UTF_8),
                new PrintWriter(err, true, StandardCharsets.UTF_8),
                args);
        return new Result(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    @Test
    void everyCommandsHelpNamesEachOfItsOptionsAndTheExitCodes() {
        CommandLine root = Genrestack.commandLine();
        assertEquals(
                List.of(
                        "run",
                        "predict",
                        "synth",
                        "features",
                        "decode",
                        "token",
                        "compare",
                        "study",
                        "completion",
                        "help"),
                List.copyOf(root.getSubcommands().keySet()));
        for (Map.Entry<String, CommandLine> sub : root.getSubcommands().entrySet()) {
            if (sub.getKey().equals("help")) {
                continue;
            }
            Result r = cli(sub.getKey(), "--help");
            assertEquals(0, r.code(), sub.getKey() + ": " + r.err());
            assertTrue(r.out().startsWith("Usage: genrestack " + sub.getKey()), r.out());
            CommandSpec spec = sub.getValue().getCommandSpec();
            for (OptionSpec o : spec.options()) {
                assertTrue(r.out().contains(o.longestName()), sub.getKey() + " --help lacks " + o.longestName());
            }
            assertTrue(r.out().contains("--help") && r.out().contains("--version"), r.out());
            for (String old : OPTIONS_BEFORE.getOrDefault(sub.getKey(), List.of())) {
                assertTrue(spec.findOption(old) != null, sub.getKey() + " lost its option " + old);
                assertTrue(r.out().contains(old), sub.getKey() + " --help lacks " + old);
            }
            if (!sub.getKey().equals("completion")) {
                String flat = r.out().replaceAll("\\s+", " ");
                assertTrue(flat.contains("Exit codes: 0 ") && flat.contains(" 2 usage error"), r.out());
            }
        }
        Result top = cli("--help");
        assertEquals(0, top.code());
        for (String command :
                List.of("run", "predict", "synth", "features", "decode", "compare", "study", "completion")) {
            assertTrue(top.out().contains("  " + command + " "), top.out());
        }
        assertTrue(top.out().contains("130"), top.out());
        assertEquals(cli("run", "--help").out(), cli("help", "run").out());
    }

    /**
     * {@code study}: its help names the study's options and points at run's; bad seeds, an unknown run option and
     * {@code --run-id} are usage errors (exit 2) found before anything is started. The study itself is
     * {@code ConcurrentRunsTest}.
     */
    @Test
    void studyHelpAndUsageErrors() {
        String help = cli("study", "--help").out().replaceAll("\\s+", " ");
        assertTrue(help.contains("--seeds") && help.contains("--vary") && help.contains("--study-id"), help);
        assertTrue(help.contains("--presets") && help.contains("ID-<preset>-s<seed>"), help);
        assertTrue(help.contains("--stacked-max-epochs") && help.contains("genrestack run --help"), help);
        for (String[] args : List.of(
                new String[] {"study"},
                new String[] {"study", "--seeds", "1"},
                new String[] {"study", "--seeds", "1,1"},
                new String[] {"study", "--seeds", "1,x"},
                new String[] {"study", "--seeds", "1,2", "--vary", "split"},
                new String[] {"study", "--seeds", "1,2", "--no-such-option"},
                new String[] {"study", "--seeds", "1,2", "--tracks", "many"},
                new String[] {"study", "--seeds", "1,2", "--run-id", "r"},
                new String[] {"study", "--presets", "paper"},
                new String[] {"study", "--presets", "paper,paper"},
                new String[] {"study", "--presets", "paper,nope"},
                new String[] {"study", "--presets", "paper,full", "--preset", "full"},
                new String[] {"study", "--presets", "paper,full", "--seeds", "3"},
                new String[] {"study", "--seeds", "1,2", "--preset", "nope"})) {
            Result r = cli(args);
            assertEquals(2, r.code(), String.join(" ", args) + ": " + r.err());
            assertTrue(r.err().contains("--help"), String.join(" ", args) + ": " + r.err());
        }
        Result neither = cli("study");
        assertTrue(neither.err().contains("a study varies --seeds or --presets"), neither.err());
        Result unknown = cli("study", "--presets", "paper,nope");
        assertTrue(
                unknown.err().contains("--presets must be one of paper, full, common-layout: 'nope'"), unknown.err());
        Result both = cli("study", "--presets", "paper,full", "--preset", "full");
        assertTrue(both.err().contains("leave --preset out"), both.err());
        Result one = cli("study", "--presets", "full");
        assertTrue(one.err().contains("--presets needs 2 or more distinct presets"), one.err());
    }

    /**
     * {@code compare}: usage errors exit 2 before any request; an evaluator that cannot be reached (a closed port on
     * this machine) exits 1 with the reason. The comparison itself is {@code CompareResourceTest} (evaluator).
     */
    @Test
    void compareRefusesUsageErrorsAndSaysWhenTheEvaluatorIsUnreachable(@TempDir Path dir) throws Exception {
        Result one = cli("compare", "run-a");
        assertEquals(2, one.code(), one.err());
        assertTrue(one.err().contains("at least 2 distinct runs"), one.err());
        Result same = cli("compare", "run-a,run-a", "--token-file", "/nonexistent");
        assertEquals(2, same.code(), "a repeated run is one run: " + same.err());
        Path token = Files.writeString(dir.resolve("token"), "not-a-real-token\n");
        int closed;
        try (java.net.ServerSocket s = new java.net.ServerSocket(0)) {
            closed = s.getLocalPort();
        }
        Result down = cli(
                "compare",
                "run-a,run-b",
                "--token-file",
                token.toString(),
                "--evaluator",
                "http://127.0.0.1:" + closed);
        assertEquals(1, down.code(), down.err());
        assertTrue(down.err().contains("cannot reach the evaluator at http://127.0.0.1:" + closed), down.err());
        String help = cli("compare", "--help").out().replaceAll("\\s+", " ");
        assertTrue(help.contains("--html") && help.contains("--token-file") && help.contains("--evaluator"), help);
    }

    @Test
    void runsDefaultsAreShownInItsHelp() {
        String help = cli("run", "--help").out().replaceAll("\\s+", " ");
        assertTrue(help.contains("(default: 20000)") && help.contains("(default: 42)"), help);
        assertTrue(help.contains("(default: synthetic)") && help.contains("(default: 60)"), help);
    }

    @Test
    void anUnknownOptionIsAUsageErrorNamingItAndWhereHelpIs() {
        Map<String, List<String>> required = Map.of(
                "run",
                List.of(),
                "synth",
                List.of("--out", "x"),
                "features",
                List.of("x.json"),
                "decode",
                List.of("x"),
                "predict",
                List.of("--run", "r1", "--data", "x"));
        for (String command : List.of("run", "predict", "synth", "features", "decode")) {
            List<String> args = new java.util.ArrayList<>(List.of(command));
            args.addAll(required.get(command));
            args.add("--bogus");
            Result r = cli(args.toArray(String[]::new));
            assertEquals(2, r.code(), command);
            assertTrue(r.err().startsWith("genrestack " + command + ": Unknown option: '--bogus'"), r.err());
            assertTrue(r.err().contains("see 'genrestack " + command + " --help'"), r.err());
            assertEquals("", r.out());
        }
        Result typo = cli("run", "--trakcs", "5");
        assertEquals(2, typo.code());
        assertTrue(typo.err().contains("--tracks"), "suggests the option meant: " + typo.err());
    }

    @Test
    void anUnknownCommandOrNoCommandIsAUsageError() {
        Result r = cli("rnu");
        assertEquals(2, r.code());
        assertTrue(r.err().startsWith("genrestack: unknown command 'rnu' (commands: run, predict, synth,"), r.err());
        assertTrue(r.err().contains("see 'genrestack --help'"), r.err());
        Result none = cli();
        assertEquals(2, none.code());
        assertTrue(none.err().startsWith("Usage: genrestack"), none.err());
    }

    @Test
    void badValuesAreUsageErrorsWithTheReason() {
        Result shape = cli("run", "--shape", "square");
        assertEquals(2, shape.code());
        assertTrue(shape.err().contains("unknown shape 'square' (synthetic or real)"), shape.err());
        Result number = cli("run", "--tracks", "many");
        assertEquals(2, number.code());
        assertTrue(number.err().contains("--tracks") && number.err().contains("'many' is not an int"), number.err());
        Result missing = cli("run", "--seed");
        assertEquals(2, missing.code());
        assertTrue(missing.err().contains("Missing required parameter for option '--seed'"), missing.err());
        Result preset = cli("run", "--preset", "nope");
        assertEquals(2, preset.code());
        assertTrue(preset.err().contains("--preset must be one of paper, full, common-layout: 'nope'"), preset.err());
        Result data = cli("run", "--data", "/nowhere");
        assertEquals(2, data.code());
        assertTrue(data.err().contains("--data and --ground-truth go together"), data.err());
        Result ablations = cli("run", "--ablations", "own,leave-two-out");
        assertEquals(2, ablations.code());
        assertTrue(ablations.err().contains("--ablations: unknown value 'leave-two-out'"), ablations.err());
        Result synth = cli("synth", "--tracks", "5");
        assertEquals(2, synth.code());
        assertTrue(synth.err().contains("Missing required option: '--out=DIR'"), synth.err());
        Result real = cli("synth", "--out", "/tmp/x", "--shape", "real", "--genres", "4");
        assertEquals(2, real.code());
        assertTrue(real.err().contains("the real shape fixes both"), real.err());
        Result noRun = cli("predict", "--data", "/tmp/x");
        assertEquals(2, noRun.code());
        assertTrue(noRun.err().contains("Missing required option: '--run=ID'"), noRun.err());
        Result noData = cli("predict", "--run", "r1");
        assertEquals(2, noData.code());
        assertTrue(noData.err().contains("Missing required option: '--data=DIR_OR_ARCHIVE'"), noData.err());
        Result topic = cli("decode", "no-such-topic", "--stdin");
        assertEquals(2, topic.code());
        assertTrue(topic.err().startsWith("genrestack decode: ") && topic.err().contains("no-such-topic"), topic.err());
    }

    @Test
    void versionNamesTheBuildsVersion() {
        Result r = cli("--version");
        assertEquals(0, r.code());
        assertTrue(
                r.out().matches("(?s)genrestack \\d+\\.\\d+\\.\\d+(-SNAPSHOT)?\\RJava .*picocli 4\\.7\\.7\\R"),
                r.out());
        assertEquals(r.out(), cli("run", "--version").out());
    }

    @Test
    void completionIsABashScriptForEveryCommandAndOption() throws Exception {
        Result r = cli("completion");
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().startsWith("#!/usr/bin/env bash"), r.out().substring(0, 80));
        assertTrue(r.out().contains("complete -F _complete_genrestack"), "registers the function");
        for (String s : List.of("run", "synth", "features", "decode", "--stacked-max-epochs", "--ground-truth")) {
            assertTrue(r.out().contains(s), "completion lacks " + s);
        }
        assertTrue(r.out().contains("synthetic real") || r.out().contains("synthetic\" \"real"), "--shape values");
        // bash accepts it: the script is parsed without running the completion
        Path script = Files.createTempFile("genrestack-completion", ".bash");
        try {
            Files.writeString(script, r.out());
            Process p = new ProcessBuilder("bash", "-n", script.toString())
                    .redirectErrorStream(true)
                    .start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertEquals(0, p.waitFor(), out);
        } finally {
            Files.delete(script);
        }
    }

    @Test
    void featuresPrintsAFilesVectorAndExitsOneOnABrokenFile(@TempDir Path dir) throws Exception {
        Path file;
        try (Stream<Path> files = Files.list(SharedData.resolve("acousticbrainz/lowlevel"))) {
            file = files.filter(f -> f.toString().endsWith(".json"))
                    .sorted()
                    .findFirst()
                    .orElseThrow();
        }
        Result r = cli("features", file.toString(), "--preset", "full");
        assertEquals(0, r.code(), r.err());
        JsonNode out = Json.MAPPER.readTree(r.out());
        assertEquals("full", out.get("preset").asText());
        assertEquals(out.get("size").asInt(), out.get("features").size());
        Result common = cli("features", file.toString(), "--preset", "common-layout");
        assertEquals(0, common.code(), common.err());
        JsonNode c = Json.MAPPER.readTree(common.out());
        assertEquals(2669, c.get("size").asInt());
        assertEquals(2669, c.get("features").size());
        List<String> names = new java.util.ArrayList<>();
        c.get("features").fieldNames().forEachRemaining(names::add);
        assertTrue(names.stream().noneMatch(n -> n.startsWith("rhythm.beats_loudness_band_ratio.median")), "medians");
        assertTrue(names.contains("rhythm.bpm_histogram_first_peak_bpm.var"), "bpm variances kept");
        Result unknown = cli("features", file.toString(), "--preset", "nope");
        assertEquals(2, unknown.code(), unknown.err());
        assertTrue(unknown.err().contains("common-layout"), "the presets are listed: " + unknown.err());
        Path broken = Files.writeString(dir.resolve("broken.json"), "{\"lowlevel\": [");
        Result bad = cli("features", broken.toString());
        assertEquals(1, bad.code(), bad.err());
        assertTrue(bad.err().startsWith(broken + ": "), bad.err());
        assertFalse(bad.err().contains("\tat "), "a reason, not a stack trace: " + bad.err());
        Result none = cli("features");
        assertEquals(2, none.code());
        assertTrue(none.err().contains("Missing required parameter: 'FILE'"), none.err());
    }
}
