package io.genrestack.cli;

import io.genrestack.common.Roles;
import io.genrestack.testkit.Jwts;

import java.io.PrintStream;
import java.nio.file.Path;
import java.security.PrivateKey;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * {@code genrestack token}: signs a bearer token for the services' REST API from a private key (a cluster's key
 * pair: docs/deployment.md "API tokens"), or writes a new key pair. The token goes to standard output, nothing else
 * does; the key's content is never printed.
 */
final class TokenCommand {
    static final String USAGE = """
            usage: genrestack token --key PRIVATE_KEY.pem [--roles operator,reader] [--expires 1h]
                                    [--subject NAME] [--issuer genrestack]
                   genrestack token --new-key-pair DIR      (writes DIR/private-key.pem, DIR/public-key.pem)
              the token (RS256 JWT, roles in `groups`) is printed to standard output; roles: operator (POST /runs),
              reader (every GET, POST /predict); --expires: a duration like 30m, 1h, 7d (default 1h)
            """;
    private static final List<String> WITH_VALUE =
            List.of("--key", "--roles", "--expires", "--subject", "--issuer", "--new-key-pair");

    private TokenCommand() {}

    static int run(List<String> args, PrintStream out, PrintStream err) throws Exception {
        if (args.contains("--help")) {
            out.print(USAGE);
            return 0;
        }
        Map<String, String> o = Args.options(args, WITH_VALUE, List.of());
        if (!Args.positional(args, WITH_VALUE).isEmpty() || o.containsKey("--key") == o.containsKey("--new-key-pair")) {
            err.print(USAGE);
            return 2;
        }
        if (o.containsKey("--new-key-pair")) {
            Path dir = Path.of(o.get("--new-key-pair"));
            Path pub = Jwts.writeKeyPair(Jwts.newKeyPair(), dir);
            err.println("wrote " + dir.resolve(Jwts.PRIVATE_KEY_FILE) + " (keep it secret) and " + pub);
            return 0;
        }
        List<String> roles = Arrays.stream(o.getOrDefault("--roles", Roles.OPERATOR + "," + Roles.READER)
                        .split(","))
                .map(String::strip)
                .filter(r -> !r.isEmpty())
                .toList();
        for (String r : roles) {
            if (!r.equals(Roles.OPERATOR) && !r.equals(Roles.READER)) {
                throw new IllegalArgumentException(
                        "unknown role '" + r + "' (roles: " + Roles.OPERATOR + ", " + Roles.READER + ")");
            }
        }
        PrivateKey key = Jwts.readPrivateKey(Path.of(o.get("--key")));
        Instant expires = Instant.now().plus(duration(o.getOrDefault("--expires", "1h")));
        out.println(Jwts.sign(
                key,
                o.getOrDefault("--issuer", Jwts.DEFAULT_ISSUER),
                o.getOrDefault("--subject", System.getProperty("user.name", "genrestack")),
                roles,
                expires));
        return 0;
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
