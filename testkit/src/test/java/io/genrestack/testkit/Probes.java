package io.genrestack.testkit;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.Set;

/** Raw checks that a real Kafka broker / S3 server answers, without any client library. */
final class Probes {

    private Probes() {}

    static InetSocketAddress address(String hostPort) {
        int colon = hostPort.lastIndexOf(':');
        return new InetSocketAddress(hostPort.substring(0, colon), Integer.parseInt(hostPort.substring(colon + 1)));
    }

    /** True when something accepts a TCP connection at host:port. */
    static boolean tcpAccepts(String hostPort) {
        try (Socket s = new Socket()) {
            s.connect(address(hostPort), 2000);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    /**
     * Sends a Kafka ApiVersions v0 request over a plain socket and returns the API keys the broker
     * supports; fails when the answer is not a well-formed, error-free ApiVersions response.
     */
    static Set<Integer> kafkaApiKeys(String bootstrap) throws IOException {
        try (Socket s = new Socket()) {
            s.connect(address(bootstrap), 5000);
            s.setSoTimeout(10000);
            DataOutputStream out = new DataOutputStream(s.getOutputStream());
            byte[] clientId = "genrestack-probe".getBytes(StandardCharsets.UTF_8);
            int correlationId = 0x5eed;
            out.writeInt(2 + 2 + 4 + 2 + clientId.length); // size of what follows
            out.writeShort(18); // api_key ApiVersions
            out.writeShort(0); // api_version 0
            out.writeInt(correlationId);
            out.writeShort(clientId.length);
            out.write(clientId);
            out.flush();
            DataInputStream in = new DataInputStream(s.getInputStream());
            int size = in.readInt();
            if (size < 10 || size > 1 << 20) {
                throw new IOException("implausible response size " + size);
            }
            if (in.readInt() != correlationId) {
                throw new IOException("wrong correlation id");
            }
            short error = in.readShort();
            if (error != 0) {
                throw new IOException("ApiVersions error code " + error);
            }
            int count = in.readInt();
            Set<Integer> keys = new HashSet<>();
            for (int i = 0; i < count; i++) {
                keys.add((int) in.readShort());
                in.readShort(); // min version
                in.readShort(); // max version
            }
            return keys;
        }
    }

    /** GET url without credentials. */
    static HttpResponse<String> httpGet(String url) throws IOException, InterruptedException {
        HttpClient client =
                HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
        return client.send(
                HttpRequest.newBuilder(URI.create(url))
                        .timeout(Duration.ofSeconds(10))
                        .GET()
                        .build(),
                HttpResponse.BodyHandlers.ofString());
    }

    /** True when the process is gone: no such pid, not alive, or a zombie waiting to be reaped. */
    static boolean processGone(long pid) {
        if (ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false)) {
            Path stat = Path.of("/proc/" + pid + "/stat");
            try {
                String text = Files.readString(stat);
                return text.substring(text.lastIndexOf(')') + 2).startsWith("Z");
            } catch (IOException e) {
                return !Files.exists(stat)
                        && !ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false);
            }
        }
        return true;
    }

    /** Waits up to {@code timeout} for the process to be gone. */
    static boolean waitGone(long pid, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            if (processGone(pid)) {
                return true;
            }
            Thread.sleep(100);
        }
        return processGone(pid);
    }
}
