package io.genrestack.cli;

import io.genrestack.common.Roles;
import io.genrestack.testkit.Jwts;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.security.PrivateKey;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.Callable;

/**
 * {@code genrestack token}: signs a bearer token for the services' REST API from a private key (a cluster's key
 * pair: docs/deployment.md "API tokens"), or writes a new key pair. The token goes to standard output, nothing else
 * does; the key's content is never printed.
 */
@Command(
        name = "token",
        description = {
            "Sign a bearer token (RS256 JWT, roles in `groups`) for the services' REST API with a private key, or"
                    + " write a new key pair. Roles: operator (POST /runs), reader (every GET, POST /predict)."
                    + " The token is printed to standard output."
        },
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {"0:token printed or key pair written", "2:usage error (unknown role, malformed duration)"})
final class TokenCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @ArgGroup(multiplicity = "1")
    KeySource source;

    static final class KeySource {
        @Option(names = "--key", paramLabel = "PRIVATE_KEY.pem", description = "sign with this private key (PEM)")
        Path key;

        @Option(
                names = "--new-key-pair",
                paramLabel = "DIR",
                description = "write DIR/private-key.pem (owner-only) and DIR/public-key.pem instead")
        Path newKeyPair;
    }

    @Option(
            names = "--roles",
            split = ",",
            paramLabel = "ROLE",
            description = "roles of the token, comma-separated (default: operator,reader)")
    List<String> roles = List.of(Roles.OPERATOR, Roles.READER);

    @Option(
            names = "--expires",
            paramLabel = "DURATION",
            description = "lifetime like 90s, 30m, 1h, 7d or PT1H (default: ${DEFAULT-VALUE})")
    String expires = "1h";

    @Option(names = "--subject", paramLabel = "NAME", description = "the token's subject (default: the user name)")
    String subject = System.getProperty("user.name", "genrestack");

    @Option(names = "--issuer", paramLabel = "ISSUER", description = "the token's issuer (default: ${DEFAULT-VALUE})")
    String issuer = Jwts.DEFAULT_ISSUER;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        if (source.newKeyPair != null) {
            Path dir = source.newKeyPair;
            Path pub = Jwts.writeKeyPair(Jwts.newKeyPair(), dir);
            err.println("wrote " + dir.resolve(Jwts.PRIVATE_KEY_FILE) + " (keep it secret) and " + pub);
            return Genrestack.OK;
        }
        List<String> asked =
                roles.stream().map(String::strip).filter(r -> !r.isEmpty()).toList();
        for (String r : asked) {
            if (!r.equals(Roles.OPERATOR) && !r.equals(Roles.READER)) {
                throw new IllegalArgumentException(
                        "unknown role '" + r + "' (roles: " + Roles.OPERATOR + ", " + Roles.READER + ")");
            }
        }
        PrivateKey key = Jwts.readPrivateKey(source.key);
        Instant until = Instant.now().plus(duration(expires));
        out.println(Jwts.sign(key, issuer, subject, asked, until));
        out.flush();
        return Genrestack.OK;
    }

    /** {@code 90s}, {@code 30m}, {@code 12h}, {@code 7d}, or an ISO-8601 duration ({@code PT1H}). */
    static Duration duration(String s) {
        String v = s.strip().toLowerCase(java.util.Locale.ROOT);
        try {
            if (v.startsWith("p")) {
                return positive(Duration.parse(v.toUpperCase(java.util.Locale.ROOT)), s);
            }
            long n = Long.parseLong(v.substring(0, v.length() - 1));
            return positive(
                    switch (v.charAt(v.length() - 1)) {
                        case 's' -> Duration.ofSeconds(n);
                        case 'm' -> Duration.ofMinutes(n);
                        case 'h' -> Duration.ofHours(n);
                        case 'd' -> Duration.ofDays(n);
                        default -> throw new IllegalArgumentException();
                    },
                    s);
        } catch (RuntimeException e) {
            throw new IllegalArgumentException("--expires: not a duration: '" + s + "' (e.g. 30m, 1h, 7d)");
        }
    }

    private static Duration positive(Duration d, String s) {
        if (d.isNegative() || d.isZero()) {
            throw new IllegalArgumentException();
        }
        return d;
    }
}
