package io.genrestack.testkit;

import io.smallrye.jwt.algorithm.SignatureAlgorithm;
import io.smallrye.jwt.build.Jwt;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.spec.PKCS8EncodedKeySpec;
import java.time.Instant;
import java.util.Base64;
import java.util.Collection;
import java.util.LinkedHashSet;

/**
 * RS256 key pairs and signed bearer tokens for the services' JWT check ({@code quarkus-smallrye-jwt}:
 * {@code mp.jwt.verify.publickey.location}, {@code mp.jwt.verify.issuer}). One copy for the tests
 * ({@link TestTokens}), the local run and {@code genrestack token} (cli {@code Credentials}). Keys are PEM files:
 * the private key PKCS#8 ({@code BEGIN PRIVATE KEY}, what {@code openssl genpkey} writes), the public key X.509
 * ({@code BEGIN PUBLIC KEY}). Tokens are signed with smallrye-jwt-build.
 */
public final class Jwts {
    /** The issuer the services accept unless {@code mp.jwt.verify.issuer} says otherwise. */
    public static final String DEFAULT_ISSUER = "genrestack";

    public static final String PRIVATE_KEY_FILE = "private-key.pem";
    public static final String PUBLIC_KEY_FILE = "public-key.pem";

    private static final int RSA_BITS = 2048;

    private Jwts() {}

    /** A fresh 2048-bit RSA key pair. */
    public static KeyPair newKeyPair() {
        try {
            KeyPairGenerator g = KeyPairGenerator.getInstance("RSA");
            g.initialize(RSA_BITS);
            return g.generateKeyPair();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot generate an RSA key pair", e);
        }
    }

    /**
     * Writes {@code keys} to {@code dir}/{@value #PRIVATE_KEY_FILE} (owner-only, created so before anything is
     * written) and {@code dir}/{@value #PUBLIC_KEY_FILE}; returns the public key's path.
     */
    public static Path writeKeyPair(KeyPair keys, Path dir) throws IOException {
        Files.createDirectories(dir);
        boolean posix = FileSystems.getDefault().supportedFileAttributeViews().contains("posix");
        if (posix) {
            Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwx------"));
        }
        Path priv = dir.resolve(PRIVATE_KEY_FILE);
        Files.deleteIfExists(priv);
        if (posix) {
            Files.createFile(priv, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        }
        Files.writeString(priv, pem("PRIVATE KEY", keys.getPrivate().getEncoded()));
        Path pub = dir.resolve(PUBLIC_KEY_FILE);
        Files.writeString(pub, publicKeyPem(keys.getPublic()));
        return pub;
    }

    /** The public key as an X.509 PEM ({@code BEGIN PUBLIC KEY}), as the services read it. */
    public static String publicKeyPem(PublicKey key) {
        return pem("PUBLIC KEY", key.getEncoded());
    }

    /** Reads an RSA private key from a PKCS#8 PEM file ({@code BEGIN PRIVATE KEY}). */
    public static PrivateKey readPrivateKey(Path pemFile) throws IOException {
        String text = Files.readString(pemFile, StandardCharsets.US_ASCII);
        if (text.contains("BEGIN RSA PRIVATE KEY")) {
            throw new IllegalArgumentException(pemFile + " is a PKCS#1 key; convert it to PKCS#8 with"
                    + " `openssl pkcs8 -topk8 -nocrypt -in OLD -out NEW`");
        }
        int begin = text.indexOf("-----BEGIN PRIVATE KEY-----");
        int end = text.indexOf("-----END PRIVATE KEY-----");
        if (begin < 0 || end < begin) {
            throw new IllegalArgumentException(
                    pemFile + " holds no unencrypted PKCS#8 private key (BEGIN PRIVATE KEY)");
        }
        String b64 = text.substring(begin + "-----BEGIN PRIVATE KEY-----".length(), end)
                .replaceAll("\\s", "");
        try {
            return KeyFactory.getInstance("RSA")
                    .generatePrivate(new PKCS8EncodedKeySpec(Base64.getDecoder().decode(b64)));
        } catch (GeneralSecurityException | IllegalArgumentException e) {
            // the message of a key parser may quote key material: name the file only
            throw new IllegalArgumentException(pemFile + " is not a readable RSA private key");
        }
    }

    /**
     * A compact JWS (RS256) with {@code iss}, {@code sub} and {@code upn} = {@code subject}, {@code groups},
     * {@code iat} = now and {@code exp}.
     */
    public static String sign(
            PrivateKey key, String issuer, String subject, Collection<String> groups, Instant expiresAt) {
        Instant now = Instant.now();
        return Jwt.issuer(issuer)
                .subject(subject)
                .upn(subject)
                .groups(new LinkedHashSet<>(groups))
                .issuedAt(now.getEpochSecond())
                .expiresAt(expiresAt.getEpochSecond())
                .jws()
                .algorithm(SignatureAlgorithm.RS256)
                .sign(key);
    }

    private static String pem(String type, byte[] der) {
        return "-----BEGIN " + type + "-----\n"
                + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII))
                        .encodeToString(der)
                + "\n-----END " + type + "-----\n";
    }
}
