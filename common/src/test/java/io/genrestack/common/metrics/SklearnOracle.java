package io.genrestack.common.metrics;

import org.jboss.logging.Logger;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.fail;

/**
 * Runs scikit-learn (Debian's {@code python3-sklearn} under {@code /usr/bin/python3}) as an independent
 * implementation to compare against. Missing Python or scikit-learn makes the calling test FAIL with a
 * message naming the package: these tests must not silently skip.
 */
final class SklearnOracle {

    private static final Logger LOG = Logger.getLogger(SklearnOracle.class);

    static final String PYTHON = "/usr/bin/python3";
    static final String INSTALL_HINT = "the metrics cross-checks need scikit-learn under " + PYTHON
            + ": install the Debian package python3-sklearn (apt-get update && apt-get install -y python3-sklearn)";

    private final Path dir;
    private final Path script;

    private SklearnOracle(Path dir, Path script) {
        this.dir = dir;
        this.script = script;
    }

    /**
     * Checks that {@code /usr/bin/python3} exists and copies the oracle script into {@code dir}. A missing
     * scikit-learn shows at the first run, which then fails naming the package.
     */
    static SklearnOracle require(Path dir) throws IOException {
        if (!Files.isExecutable(Path.of(PYTHON))) {
            fail(PYTHON + " not found; " + INSTALL_HINT);
        }
        Path script = dir.resolve("sklearn_oracle.py");
        try (InputStream in = SklearnOracle.class.getResourceAsStream("/metrics/sklearn_oracle.py")) {
            if (in == null) {
                fail("test resource /metrics/sklearn_oracle.py is missing");
            }
            Files.copy(in, script);
        }
        return new SklearnOracle(dir, script);
    }

    /** Runs the script; returns its output as key → numbers (one entry per output line, key = first word). */
    Map<String, double[]> run(String... args) {
        return parseLines(runRaw(args));
    }

    /**
     * Runs many jobs in one Python process (importing scikit-learn takes seconds on a busy machine).
     *
     * @param jobs each job is the argument list of one {@link #run} call
     * @return one parsed result per job, in order
     */
    List<Map<String, double[]>> runBatch(List<List<String>> jobs) throws IOException {
        StringBuilder sb = new StringBuilder();
        for (List<String> job : jobs) {
            sb.append(String.join("\t", job)).append('\n');
        }
        Path jobFile = Files.createTempFile(dir, "jobs", ".txt");
        Files.writeString(jobFile, sb, StandardCharsets.UTF_8);
        List<Map<String, double[]>> results = new ArrayList<>();
        List<String> current = null;
        for (String line : runRaw("batch", jobFile.toString())) {
            if (line.startsWith("job ")) {
                if (current != null) {
                    results.add(parseLines(current));
                }
                current = new ArrayList<>();
            } else if (current != null) {
                current.add(line);
            } else {
                LOG.infof("scikit-learn oracle: %s", line); // versions, printed before the first job
            }
        }
        if (current != null) {
            results.add(parseLines(current));
        }
        if (results.size() != jobs.size()) {
            fail("scikit-learn oracle answered " + results.size() + " of " + jobs.size() + " jobs");
        }
        return results;
    }

    private static Map<String, double[]> parseLines(List<String> lines) {
        Map<String, double[]> result = new HashMap<>();
        for (String line : lines) {
            String[] parts = line.trim().split("\\s+");
            if (parts.length == 0 || parts[0].isEmpty()) {
                continue;
            }
            String key = parts[0];
            int from = 1;
            if (key.equals("per")) { // "per <label> <value>"
                key = "per" + parts[1];
                from = 2;
            }
            double[] values = new double[parts.length - from];
            for (int i = from; i < parts.length; i++) {
                values[i - from] = parse(parts[i]);
            }
            result.put(key, values);
        }
        return result;
    }

    /** Runs the script and returns its stdout lines; fails the test on any error. */
    List<String> runRaw(String... args) {
        List<String> command = new ArrayList<>();
        command.add(PYTHON);
        command.add(script.toString());
        command.addAll(List.of(args));
        try {
            Path stdout = Files.createTempFile(dir, "oracle", ".out");
            Path stderr = Files.createTempFile(dir, "oracle", ".err");
            Process process = new ProcessBuilder(command)
                    .redirectOutput(stdout.toFile())
                    .redirectError(stderr.toFile())
                    .start();
            if (!process.waitFor(300, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                fail("scikit-learn oracle timed out: " + command);
            }
            String err = Files.readString(stderr, StandardCharsets.UTF_8);
            if (process.exitValue() != 0) {
                if (err.contains("No module named")) {
                    fail(INSTALL_HINT + "\n" + err);
                }
                fail("scikit-learn oracle failed (" + process.exitValue() + "): " + command + "\n" + err);
            }
            return Files.readAllLines(stdout, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static double parse(String s) {
        return switch (s) {
            case "nan" -> Double.NaN;
            case "inf" -> Double.POSITIVE_INFINITY;
            case "-inf" -> Double.NEGATIVE_INFINITY;
            default -> Double.parseDouble(s);
        };
    }

    /** Writes scores exactly: each float widened to double and printed in full, so Python reads the same value. */
    Path writeScores(String name, float[][] scores) throws IOException {
        StringBuilder sb = new StringBuilder();
        for (float[] row : scores) {
            for (int l = 0; l < row.length; l++) {
                if (l > 0) {
                    sb.append(' ');
                }
                sb.append(Double.toString(row[l]));
            }
            sb.append('\n');
        }
        Path path = dir.resolve(name);
        Files.writeString(path, sb, StandardCharsets.US_ASCII);
        return path;
    }

    Path writeBooleans(String name, boolean[][] matrix) throws IOException {
        StringBuilder sb = new StringBuilder();
        for (boolean[] row : matrix) {
            for (int l = 0; l < row.length; l++) {
                if (l > 0) {
                    sb.append(' ');
                }
                sb.append(row[l] ? '1' : '0');
            }
            sb.append('\n');
        }
        Path path = dir.resolve(name);
        Files.writeString(path, sb, StandardCharsets.US_ASCII);
        return path;
    }
}
