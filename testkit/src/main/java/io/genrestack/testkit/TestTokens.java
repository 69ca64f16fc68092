package io.genrestack.testkit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * Bearer tokens for tests: one RSA key pair per JVM, generated at first use into a temporary folder; the services
 * under test verify with its public key ({@link #serviceConfig()}, given to every {@code @QuarkusTest} by
 * {@link InfraTestResource}, to forked service processes as {@code MP_JWT_VERIFY_PUBLICKEY_LOCATION}). Besides
 * valid tokens it makes the bad ones of the attack table (docs/reliability.md): signed by another key, expired,
 * from another issuer.
 */
public final class TestTokens {
    /** The services' configuration key of the public key's location. */
    public static final String PUBLIC_KEY_LOCATION = "mp.jwt.verify.publickey.location";

    private static final Duration LIFETIME = Duration.ofHours(2);

    private TestTokens() {}

    private static final class Keys {
        static final KeyPair PAIR = Jwts.newKeyPair();
        static final Path PUBLIC = write();
        static final KeyPair OTHER = Jwts.newKeyPair();

        private static Path write() {
            try {
                Path dir = Files.createTempDirectory("genrestack-test-jwt-");
                dir.toFile().deleteOnExit();
                Path pub = Jwts.writeKeyPair(PAIR, dir);
                pub.toFile().deleteOnExit();
                dir.resolve(Jwts.PRIVATE_KEY_FILE).toFile().deleteOnExit();
                return pub;
            } catch (IOException e) {
                throw new UncheckedIOException("cannot write the test key pair", e);
            }
        }
    }

    /** The test public key's PEM file. */
    public static Path publicKey() {
        return Keys.PUBLIC;
    }

    /** What a service under test needs to verify the test tokens: the public key's location. */
    public static Map<String, String> serviceConfig() {
        return Map.of(PUBLIC_KEY_LOCATION, publicKey().toString());
    }

    /** A valid token (issuer {@value Jwts#DEFAULT_ISSUER}, two hours) with these groups. */
    public static String token(String... groups) {
        return Jwts.sign(
                Keys.PAIR.getPrivate(),
                Jwts.DEFAULT_ISSUER,
                "test",
                List.of(groups),
                Instant.now().plus(LIFETIME));
    }

    /** {@code Bearer <token with these groups>}, the value of an {@code Authorization} header. */
    public static String bearer(String... groups) {
        return "Bearer " + token(groups);
    }

    /** A token with these groups signed by a key the services do not know. */
    public static String forged(String... groups) {
        return Jwts.sign(
                Keys.OTHER.getPrivate(),
                Jwts.DEFAULT_ISSUER,
                "test",
                List.of(groups),
                Instant.now().plus(LIFETIME));
    }

    /** A correctly signed token with these groups that expired ten minutes ago (beyond any clock skew). */
    public static String expired(String... groups) {
        return Jwts.sign(
                Keys.PAIR.getPrivate(),
                Jwts.DEFAULT_ISSUER,
                "test",
                List.of(groups),
                Instant.now().minus(Duration.ofMinutes(10)));
    }

    /** A correctly signed, valid token with these groups from another issuer. */
    public static String wrongIssuer(String... groups) {
        return Jwts.sign(
                Keys.PAIR.getPrivate(),
                "someone-else",
                "test",
                List.of(groups),
                Instant.now().plus(LIFETIME));
    }
}
