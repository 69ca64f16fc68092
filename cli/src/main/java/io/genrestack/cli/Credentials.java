package io.genrestack.cli;

import io.genrestack.common.Roles;
import io.genrestack.testkit.Jwts;

import java.io.IOException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.KeyPair;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * The API credential of a local run: a fresh RSA key pair in {@code <work>/auth/} (private key owner-only), whose
 * public key the services verify with ({@code MP_JWT_VERIFY_PUBLICKEY_LOCATION}), and one bearer token with the
 * roles {@code operator} and {@code reader}, written to {@code <work>/auth/token} for the CLI's own calls and for
 * the user's curl. The token and the key are never logged; only their paths are.
 */
final class Credentials {
    static final String DIR = "auth";
    static final String TOKEN_FILE = "token";
    static final String SUBJECT = "genrestack-run";

    private final Path dir;
    private final String token;
    private final Instant expires;

    private Credentials(Path dir, String token, Instant expires) {
        this.dir = dir;
        this.token = token;
        this.expires = expires;
    }

    /** Generates the key pair into {@code work/auth/} (replacing an older one), signs a token valid for {@code ttl}. */
    static Credentials generate(Path work, Duration ttl) throws IOException {
        Path dir = work.resolve(DIR);
        KeyPair keys = Jwts.newKeyPair();
        Jwts.writeKeyPair(keys, dir);
        Instant expires = Instant.now().plus(ttl);
        String token = Jwts.sign(
                keys.getPrivate(), Jwts.DEFAULT_ISSUER, SUBJECT, List.of(Roles.OPERATOR, Roles.READER), expires);
        Path file = dir.resolve(TOKEN_FILE);
        Files.deleteIfExists(file);
        if (FileSystems.getDefault().supportedFileAttributeViews().contains("posix")) {
            Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        }
        Files.writeString(file, token + "\n");
        return new Credentials(dir, token, expires);
    }

    /** The public key the services verify tokens with. */
    Path publicKey() {
        return dir.resolve(Jwts.PUBLIC_KEY_FILE);
    }

    /** The private key (to sign more tokens: {@code genrestack token --key}). */
    Path privateKey() {
        return dir.resolve(Jwts.PRIVATE_KEY_FILE);
    }

    /** The file holding the token. */
    Path tokenFile() {
        return dir.resolve(TOKEN_FILE);
    }

    /** The token (operator + reader). */
    String token() {
        return token;
    }

    /** The value of the {@code Authorization} header. */
    String authorization() {
        return "Bearer " + token;
    }

    Instant expires() {
        return expires;
    }
}
