package io.genrestack.cli;

import io.genrestack.cli.synth.SynthCommand;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.ScopeType;
import picocli.CommandLine.Spec;
import picocli.CommandLine.UnmatchedArgumentException;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.util.Properties;
import java.util.concurrent.Callable;

/**
 * The {@code genrestack} command (script {@code ./genrestack} at the repository root), on picocli: subcommands
 * {@code run}, {@code predict}, {@code synth}, {@code features}, {@code decode}, {@code token}, {@code completion}
 * and {@code help}; {@code --help} and {@code --version} on each. Subcommands are registered in
 * {@link #commandLine()} only.
 *
 * <p>Exit codes: {@value #OK} success, {@value #FAILED} the command failed (a run's stage, an unreachable broker, an
 * unreadable file), {@value #USAGE} usage error (unknown command or option, missing or malformed value), 130 when
 * interrupted (Ctrl-C; the JVM's 128 + SIGINT, after {@code run} has stopped what it started).
 */
@Command(
        name = "genrestack",
        scope = ScopeType.INHERIT,
        mixinStandardHelpOptions = true,
        usageHelpWidth = 100,
        versionProvider = Genrestack.Version.class,
        synopsisSubcommandLabel = "COMMAND",
        description = {
            "GenreStack: the MediaEval 2018 AcousticBrainz genre baseline as Kafka microservices.",
            "`genrestack COMMAND --help` describes a command's options."
        },
        commandListHeading = "%nCommands:%n",
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {
            "0:success (also --help, --version)",
            "1:the command failed: a run's stage (named on stderr), Kafka not reachable (decode), a file that "
                    + "cannot be flattened (features), an unexpected error",
            "2:usage error: unknown command or option, missing or malformed value",
            "130:interrupted (Ctrl-C); `run` stops what it started first"
        })
public final class Genrestack implements Callable<Integer> {
    /** Exit code: success. */
    public static final int OK = 0;
    /** Exit code: the command ran and failed. */
    public static final int FAILED = 1;
    /** Exit code: the command line was wrong. */
    public static final int USAGE = 2;

    @Spec
    CommandSpec spec;

    public static void main(String[] argv) {
        System.exit(execute(argv));
    }

    /** Runs {@code argv} with standard output and error; returns the exit code. */
    public static int execute(String... argv) {
        return commandLine().execute(argv);
    }

    /** Runs {@code argv} writing to {@code out} and {@code err} (flushed); returns the exit code. */
    static int execute(PrintWriter out, PrintWriter err, String... argv) {
        CommandLine cl = commandLine();
        cl.setOut(out);
        cl.setErr(err);
        try {
            return cl.execute(argv);
        } finally {
            out.flush();
            err.flush();
        }
    }

    /** The command line with every subcommand: the one place where a subcommand is registered, one line each. */
    static CommandLine commandLine() {
        CommandLine cl = new CommandLine(new Genrestack());
        cl.addSubcommand(new RunCommand());
        cl.addSubcommand(new PredictCommand());
        cl.addSubcommand(new SynthCommand());
        cl.addSubcommand(new FeaturesCommand());
        cl.addSubcommand(new DecodeCommand());
        cl.addSubcommand(new TokenCommand());
        cl.addSubcommand(new CompareCommand());
        cl.addSubcommand(new StudyCommand());
        cl.addSubcommand(new CompletionCommand());
        cl.addSubcommand(new CommandLine.HelpCommand());
        // settings after the subcommands: picocli applies them to the subcommands added so far
        cl.setOverwrittenOptionsAllowed(true); // `--tracks 5 --tracks 6`: the last one wins, as before
        cl.setParameterExceptionHandler(Genrestack::usageError);
        cl.setExecutionExceptionHandler(Genrestack::failure);
        return cl;
    }

    /** {@code genrestack} without a command: the usage on stderr, exit 2. */
    @Override
    public Integer call() {
        spec.commandLine().usage(spec.commandLine().getErr());
        return USAGE;
    }

    /** A usage error: one clear line naming the command, suggestions for a mistyped name, where help is; exit 2. */
    private static int usageError(ParameterException e, String[] args) {
        CommandLine cmd = e.getCommandLine();
        PrintWriter err = cmd.getErr();
        String name = cmd.getCommandSpec().qualifiedName();
        if (e instanceof UnmatchedArgumentException u
                && !u.isUnknownOption()
                && cmd.getParent() == null
                && !cmd.getSubcommands().isEmpty()
                && !u.getUnmatched().isEmpty()) {
            err.println(name + ": unknown command '" + u.getUnmatched().get(0) + "' (commands: "
                    + String.join(", ", cmd.getSubcommands().keySet()) + ")");
        } else {
            err.println(name + ": " + e.getMessage());
        }
        UnmatchedArgumentException.printSuggestions(e, err);
        err.println("see '" + name + " --help'");
        err.flush();
        return USAGE;
    }

    /**
     * An exception from a command: {@link IllegalArgumentException} is bad input (exit 2, as before picocli), an
     * I/O error is reported by its message, anything else with its stack trace (exit 1).
     */
    private static int failure(Exception e, CommandLine cmd, CommandLine.ParseResult parsed) {
        PrintWriter err = cmd.getErr();
        String name = cmd.getCommandSpec().qualifiedName();
        int code;
        if (e instanceof IllegalArgumentException) {
            err.println(name + ": " + e.getMessage());
            code = USAGE;
        } else if (e instanceof IOException || e instanceof UncheckedIOException) {
            err.println(name + ": " + e);
            code = FAILED;
        } else {
            err.println(name + ": failed: " + e);
            e.printStackTrace(err);
            code = FAILED;
        }
        err.flush();
        return code;
    }

    /** The project version (from the build) for {@code --version}. */
    static String version() {
        Properties p = new Properties();
        try (InputStream in = Genrestack.class.getResourceAsStream("version.properties")) {
            if (in != null) {
                p.load(in);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return p.getProperty("version", "unknown");
    }

    /** {@code --version}: GenreStack's version, the JVM's and picocli's. */
    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            return new String[] {
                "genrestack " + version(),
                "Java " + System.getProperty("java.version") + ", picocli " + CommandLine.VERSION
            };
        }
    }
}
