package io.genrestack.cli;

import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.concurrent.Callable;

/**
 * {@code genrestack compare RUN,RUN[,...]}: the evaluator's run comparison ({@code GET /compare?runs=...}) printed as
 * Markdown tables (configuration differences, per source the AUCs with their bootstrap intervals and the restored
 * epochs), or with {@code --html FILE} the comparison page with the training curves written to FILE. The tables are
 * the evaluator's, not rebuilt here, so the command and the page always agree.
 */
@Command(
        name = "compare",
        description = {
            "Compare runs side by side from the evaluator's reports (GET /compare): the configuration and where it"
                    + " differs (preset, seed, split, epochs), per source the macro ROC-AUC of the base and stacked"
                    + " models with their bootstrap 95 %% CIs and the restored epochs. Prints Markdown; --html FILE"
                    + " writes the page with the training curves instead."
        },
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {
            "0:comparison printed (or written to --html FILE)",
            "1:the evaluator refused or could not be reached (its reason on stderr)",
            "2:usage error (fewer than 2 runs, no token, unknown option)"
        })
final class CompareCommand implements Callable<Integer> {
    /** The variable holding a bearer token when {@code --token-file} is not given. */
    static final String TOKEN_ENV = "GENRESTACK_TOKEN";

    @Spec
    CommandSpec spec;

    @Parameters(
            index = "0",
            paramLabel = "RUN,RUN[,...]",
            split = ",",
            description = "the runs' ids, comma-separated (2 to 8)")
    List<String> runs;

    @Option(
            names = "--evaluator",
            paramLabel = "URL",
            defaultValue = "http://127.0.0.1:8095",
            description = "the evaluator's base URL (default: ${DEFAULT-VALUE}, a local run's evaluator)")
    String evaluator;

    @Option(
            names = "--token-file",
            paramLabel = "FILE",
            description = "a file holding a bearer token with the role reader (default: $" + TOKEN_ENV
                    + "; ./genrestack run writes one to <work>/auth/token, ./genrestack token signs one)")
    Path tokenFile;

    @Option(
            names = "--html",
            paramLabel = "FILE",
            description = "write the comparison page (tables and training curves) to FILE instead of printing")
    Path html;

    @Override
    public Integer call() throws Exception {
        List<String> ids = List.copyOf(new LinkedHashSet<>(runs));
        if (ids.size() < 2) {
            spec.commandLine().getErr().println("compare needs at least 2 distinct runs, got " + ids);
            return Genrestack.USAGE;
        }
        String token = token();
        if (token == null) {
            spec.commandLine()
                    .getErr()
                    .println("no token: give --token-file FILE or set " + TOKEN_ENV + " (a reader token)");
            return Genrestack.USAGE;
        }
        URI uri = URI.create(evaluator.replaceAll("/+$", "") + "/compare?runs="
                + URLEncoder.encode(String.join(",", ids), StandardCharsets.UTF_8));
        HttpResponse<String> r;
        HttpClient client =
                HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
        try {
            r = client.send(
                    HttpRequest.newBuilder(uri)
                            .timeout(Duration.ofSeconds(60))
                            .header("Authorization", "Bearer " + token)
                            .header("Accept", html != null ? "text/html" : "text/markdown")
                            .GET()
                            .build(),
                    HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
        } catch (IOException e) {
            spec.commandLine().getErr().println("cannot reach the evaluator at " + evaluator + ": " + e);
            return Genrestack.FAILED;
        }
        if (r.statusCode() != 200) {
            spec.commandLine()
                    .getErr()
                    .println("the evaluator answered " + r.statusCode() + " to GET " + uri.getRawPath() + "?"
                            + uri.getRawQuery() + ": " + r.body());
            return Genrestack.FAILED;
        }
        if (html != null) {
            Files.writeString(html, r.body(), StandardCharsets.UTF_8);
            spec.commandLine().getErr().println("wrote " + html);
        } else {
            spec.commandLine().getOut().print(r.body());
        }
        return Genrestack.OK;
    }

    private String token() throws IOException {
        if (tokenFile != null) {
            return Files.readString(tokenFile, StandardCharsets.UTF_8).trim();
        }
        String env = System.getenv(TOKEN_ENV);
        return env == null || env.isBlank() ? null : env.trim();
    }
}
