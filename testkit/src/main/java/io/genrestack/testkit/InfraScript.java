package io.genrestack.testkit;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Runs {@code scripts/local-infra.sh} (start, stop, status, env, release, reset) as a child
 * process and captures its exit code and its merged stdout/stderr.
 *
 * <p>The output goes through a temporary file rather than a pipe, so a server the script leaves
 * running can never keep this call waiting for end-of-stream.
 */
public final class InfraScript {

    /** Path of the script relative to the repository root. */
    public static final String SCRIPT = "scripts/local-infra.sh";

    /** Exit code of {@code status} and {@code env} when nothing is running. */
    public static final int EXIT_STOPPED = 3;

    /** What one run of the script returned. */
    public record Result(int exitCode, String output) {
        /** True when the script exited with 0. */
        public boolean ok() {
            return exitCode == 0;
        }
    }

    private InfraScript() {}

    /** The script inside {@code repoRoot}. */
    public static Path script(Path repoRoot) {
        return repoRoot.resolve(SCRIPT);
    }

    /**
     * Runs the script with {@code bash}.
     *
     * @param repoRoot repository root holding {@code scripts/local-infra.sh}
     * @param extraEnv variables added to this JVM's environment for the script (e.g.
     *                 {@code GENRESTACK_INFRA_WORK}); a {@code null} value removes the variable
     * @param timeout  how long to wait before the script is killed and an exception thrown
     * @param args     the command and its arguments, e.g. {@code "start"}
     */
    public static Result run(Path repoRoot, Map<String, String> extraEnv, Duration timeout, String... args)
            throws IOException, InterruptedException {
        List<String> command = command(repoRoot, args);
        Path out = Files.createTempFile("local-infra-", ".out");
        try {
            ProcessBuilder pb = new ProcessBuilder(command)
                    .directory(repoRoot.toFile())
                    .redirectInput(
                            ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile()))
                    .redirectErrorStream(true)
                    .redirectOutput(out.toFile());
            extraEnv.forEach((k, v) -> {
                if (v == null) {
                    pb.environment().remove(k);
                } else {
                    pb.environment().put(k, v);
                }
            });
            Process process = pb.start();
            if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                process.destroyForcibly();
                throw new IllegalStateException(String.join(" ", command) + " did not finish within "
                        + timeout.toSeconds() + " s; output so far:\n" + Files.readString(out, StandardCharsets.UTF_8));
            }
            return new Result(process.exitValue(), Files.readString(out, StandardCharsets.UTF_8));
        } finally {
            Files.deleteIfExists(out);
        }
    }

    /**
     * Runs the script with {@code bash}, its output going to this JVM's console as it comes (for a person watching
     * a slow {@code start}); returns its exit code.
     */
    public static int runInConsole(Path repoRoot, String... args) throws IOException, InterruptedException {
        return new ProcessBuilder(command(repoRoot, args))
                .directory(repoRoot.toFile())
                .inheritIO()
                .start()
                .waitFor();
    }

    private static List<String> command(Path repoRoot, String... args) {
        Path script = script(repoRoot);
        if (!Files.isRegularFile(script)) {
            throw new IllegalStateException("No " + SCRIPT + " under " + repoRoot);
        }
        List<String> command = new ArrayList<>();
        command.add("bash");
        command.add(script.toString());
        command.addAll(List.of(args));
        return command;
    }
}
