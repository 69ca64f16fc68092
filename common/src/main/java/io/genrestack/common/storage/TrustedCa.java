package io.genrestack.common.storage;

import io.minio.Http;
import okhttp3.OkHttpClient;

import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509TrustManager;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.Collection;

/**
 * The object-store client's HTTP client when {@code genrestack.s3.ca-file} is set: MinIO's default OkHttp client
 * whose TLS trusts the JVM's default CAs plus the CA certificates of one PEM file (a private CA, e.g. a cluster's or
 * the one {@code scripts/local-infra.sh start --secure} generates). Host names are still verified.
 */
final class TrustedCa {
    private TrustedCa() {}

    static OkHttpClient httpClient(Path caFile) {
        X509TrustManager tm = trustManager(caFile);
        try {
            SSLContext ctx = SSLContext.getInstance("TLS");
            ctx.init(null, new TrustManager[] {tm}, null);
            return Http.newDefaultClient()
                    .newBuilder()
                    .sslSocketFactory(ctx.getSocketFactory(), tm)
                    .build();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot set up TLS for object storage: " + e.getMessage(), e);
        }
    }

    /** Trusts the JVM's default CAs and every certificate in {@code caFile}. */
    static X509TrustManager trustManager(Path caFile) {
        try {
            KeyStore ks = KeyStore.getInstance(KeyStore.getDefaultType());
            ks.load(null, null);
            int i = 0;
            for (X509Certificate c : defaultTrustManager().getAcceptedIssuers()) {
                ks.setCertificateEntry("jvm-" + i++, c);
            }
            Collection<? extends Certificate> own;
            try (InputStream in = Files.newInputStream(caFile)) {
                own = CertificateFactory.getInstance("X.509").generateCertificates(in);
            }
            if (own.isEmpty()) {
                throw new IllegalArgumentException(
                        "genrestack.s3.ca-file (GENRESTACK_S3_CA_FILE) " + caFile + " holds no certificate");
            }
            for (Certificate c : own) {
                ks.setCertificateEntry("ca-" + i++, c);
            }
            TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            tmf.init(ks);
            return x509(tmf.getTrustManagers());
        } catch (IOException e) {
            throw new IllegalArgumentException(
                    "cannot read genrestack.s3.ca-file (GENRESTACK_S3_CA_FILE) " + caFile + ": " + e, e);
        } catch (GeneralSecurityException e) {
            throw new IllegalArgumentException(
                    "genrestack.s3.ca-file (GENRESTACK_S3_CA_FILE) " + caFile + " is no PEM certificate file: "
                            + e.getMessage(),
                    e);
        }
    }

    private static X509TrustManager defaultTrustManager() throws GeneralSecurityException {
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init((KeyStore) null);
        return x509(tmf.getTrustManagers());
    }

    private static X509TrustManager x509(TrustManager[] managers) {
        for (TrustManager m : managers) {
            if (m instanceof X509TrustManager x) {
                return x;
            }
        }
        throw new IllegalStateException("no X509TrustManager among " + managers.length + " trust managers");
    }
}
