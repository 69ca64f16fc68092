package io.genrestack.testkit;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/**
 * A local forwarder that adds an {@code Authorization} header to every {@code GET}, as an authenticating ingress
 * would: lets a browser (which cannot be told to send a bearer token) load a service's pages in a test. Binds
 * 127.0.0.1 on a free port; {@link #close()} stops it.
 */
public final class BearerProxy implements AutoCloseable {
    private final HttpServer server;
    private final HttpClient http =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final String target;
    private final String authorization;

    private BearerProxy(String target, String authorization) throws IOException {
        this.target = target.endsWith("/") ? target.substring(0, target.length() - 1) : target;
        this.authorization = authorization;
        this.server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/", this::forward);
        server.start();
    }

    /** Forwards to {@code target} (e.g. {@code http://127.0.0.1:8095}) with {@code Authorization: authorization}. */
    public static BearerProxy start(String target, String authorization) throws IOException {
        return new BearerProxy(target, authorization);
    }

    /** The proxy's base URL, e.g. {@code http://127.0.0.1:41234}. */
    public String url() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    private void forward(HttpExchange ex) throws IOException {
        try (ex) {
            if (!"GET".equals(ex.getRequestMethod())) {
                ex.sendResponseHeaders(405, -1);
                return;
            }
            HttpResponse<byte[]> r;
            try {
                HttpRequest.Builder req = HttpRequest.newBuilder(URI.create(target + ex.getRequestURI()))
                        .timeout(Duration.ofSeconds(30))
                        .header("Authorization", authorization);
                // the browser's Accept, so that content negotiation sees what a browser asks for
                String accept = ex.getRequestHeaders().getFirst("Accept");
                if (accept != null) {
                    req.header("Accept", accept);
                }
                r = http.send(req.GET().build(), HttpResponse.BodyHandlers.ofByteArray());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                ex.sendResponseHeaders(502, -1);
                return;
            }
            r.headers()
                    .firstValue("Content-Type")
                    .ifPresent(t -> ex.getResponseHeaders().set("Content-Type", t));
            byte[] body = r.body();
            ex.sendResponseHeaders(r.statusCode(), body.length == 0 ? -1 : body.length);
            if (body.length > 0) {
                try (OutputStream out = ex.getResponseBody()) {
                    out.write(body);
                }
            }
        }
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
