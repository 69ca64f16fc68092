package io.genrestack.cli;

import io.genrestack.cli.synth.Shape;
import io.genrestack.common.Roles;
import org.jose4j.jwa.AlgorithmConstraints;
import org.jose4j.jws.AlgorithmIdentifiers;
import org.jose4j.jwt.JwtClaims;
import org.jose4j.jwt.consumer.InvalidJwtException;
import org.jose4j.jwt.consumer.JwtConsumer;
import org.jose4j.jwt.consumer.JwtConsumerBuilder;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.KeyFactory;
import java.security.PublicKey;
import java.security.spec.X509EncodedKeySpec;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code genrestack token} and the local run's {@link Credentials}: the tokens verify (RS256, jose4j) with the
 * written public key, carry the roles, issuer and expiry asked for, and the private key and token files are
 * owner-only. The services' own check of such tokens is {@code RunApiSecurityTest} (extractor).
 */
class TokenCommandTest {
    @TempDir
    Path tmp;

    private static PublicKey publicKey(Path pem) throws Exception {
        String b64 = Files.readString(pem).replaceAll("-----[A-Z ]+-----", "").replaceAll("\\s", "");
        return KeyFactory.getInstance("RSA")
                .generatePublic(new X509EncodedKeySpec(Base64.getDecoder().decode(b64)));
    }

    private static JwtClaims verify(String token, PublicKey key, String issuer) throws InvalidJwtException {
        JwtConsumer c = new JwtConsumerBuilder()
                .setVerificationKey(key)
                .setJwsAlgorithmConstraints(
                        AlgorithmConstraints.ConstraintType.PERMIT, AlgorithmIdentifiers.RSA_USING_SHA256)
                .setExpectedIssuer(issuer)
                .setRequireExpirationTime()
                .build();
        return c.processToClaims(token);
    }

    private static String[] run(String... args) throws Exception {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        String[] argv = new String[args.length + 1];
        argv[0] = "token";
        System.arraycopy(args, 0, argv, 1, args.length);
        int rc = Genrestack.execute(new PrintWriter(out), new PrintWriter(err), argv);
        return new String[] {String.valueOf(rc), out.toString(), err.toString()};
    }

    @Test
    void signsTokensFromANewKeyPair() throws Exception {
        Path keys = tmp.resolve("keys");
        String[] made = run("--new-key-pair", keys.toString());
        assertEquals("0", made[0], made[2]);
        assertEquals("", made[1], "nothing on standard output but tokens");
        Path priv = keys.resolve("private-key.pem");
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(priv)));
        assertFalse(made[2].contains(Files.readAllLines(priv).get(1)), "the key's content is never printed");

        String[] reader = run("--key", priv.toString(), "--roles", "reader", "--expires", "2h", "--subject", "ci");
        assertEquals("0", reader[0], reader[2]);
        JwtClaims claims = verify(reader[1].strip(), publicKey(keys.resolve("public-key.pem")), "genrestack");
        assertEquals(List.of(Roles.READER), claims.getStringListClaimValue("groups"));
        assertEquals("ci", claims.getSubject());
        long exp = claims.getExpirationTime().getValue();
        long want = Instant.now().plus(Duration.ofHours(2)).getEpochSecond();
        assertTrue(Math.abs(exp - want) < 60, "expires in 2 h: " + exp + " vs " + want);

        String[] both = run("--key", priv.toString(), "--issuer", "my-cluster");
        JwtClaims all = verify(both[1].strip(), publicKey(keys.resolve("public-key.pem")), "my-cluster");
        assertEquals(List.of(Roles.OPERATOR, Roles.READER), all.getStringListClaimValue("groups"));

        // another key pair's public key does not verify it
        run("--new-key-pair", tmp.resolve("other").toString());
        assertThrows(
                InvalidJwtException.class,
                () -> verify(reader[1].strip(), publicKey(tmp.resolve("other/public-key.pem")), "genrestack"));
    }

    @Test
    void refusesUnknownRolesBadDurationsAndMissingKeys() throws Exception {
        run("--new-key-pair", tmp.toString());
        String priv = tmp.resolve("private-key.pem").toString();
        String[] role = run("--key", priv, "--roles", "admin");
        assertEquals("2", role[0]);
        assertTrue(role[2].contains("unknown role 'admin'"), role[2]);
        assertEquals("", role[1], "no token for a refused request");
        assertEquals("2", run("--key", priv, "--expires", "-1h")[0]);
        String[] soon = run("--key", priv, "--expires", "soon");
        assertEquals("2", soon[0]);
        assertTrue(soon[2].contains("not a duration: 'soon'"), soon[2]);
        assertEquals("2", run()[0], "neither --key nor --new-key-pair");
        assertEquals("2", run("--key", priv, "--new-key-pair", tmp.toString())[0], "both");
        Files.writeString(
                tmp.resolve("rsa.pem"), "-----BEGIN RSA PRIVATE KEY-----\nAAAA\n-----END RSA PRIVATE KEY-----\n");
        String[] pkcs1 = run("--key", tmp.resolve("rsa.pem").toString());
        assertEquals("2", pkcs1[0]);
        assertTrue(pkcs1[2].contains("openssl pkcs8"), pkcs1[2]);
    }

    @Test
    void theLocalRunsCredentialAndInputRoots() throws Exception {
        Credentials c = Credentials.generate(tmp, Duration.ofMinutes(90));
        assertEquals(tmp.resolve("auth/token"), c.tokenFile());
        assertEquals(c.token(), Files.readString(c.tokenFile()).strip());
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(c.tokenFile())));
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(c.privateKey())));
        JwtClaims claims = verify(c.token(), publicKey(c.publicKey()), "genrestack");
        assertEquals(List.of(Roles.OPERATOR, Roles.READER), claims.getStringListClaimValue("groups"));

        Path data = Files.createDirectories(tmp.resolve("dump/lowlevel"));
        Path tsv = Files.writeString(Files.createDirectories(tmp.resolve("gt")).resolve("x-lastfm-train.tsv"), "");
        LocalRun given = new LocalRun(options(List.of(data.toString()), List.of(tsv.toString())), tmp);
        assertEquals(List.of(data, tsv.getParent()), given.inputRoots());
        LocalRun synthetic = new LocalRun(options(List.of(), List.of()), tmp).allowInputs(tmp.resolve("extra"));
        assertEquals(List.of(tmp.resolve("work/data/synthetic-100-1"), tmp.resolve("extra")), synthetic.inputRoots());
    }

    private LocalRun.Options options(List<String> data, List<String> gt) {
        return new LocalRun.Options(
                100, 1, data, gt, null, null, tmp.resolve("work"), 5, false, false, null, 0, Shape.SYNTHETIC);
    }
}
