package io.genrestack.cli;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;

/**
 * HTTP to the five services of a local run, on their ports shifted by the run's port offset; every call but the
 * health probe carries the run's bearer token ({@link #authorization(String)}).
 */
final class ServiceHttp {
    static final Map<String, Integer> PORTS =
            Map.of("extractor", 8091, "scaler", 8092, "trainer", 8093, "stacker", 8094, "evaluator", 8095);

    private final int portOffset;
    private final HttpClient http =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(3)).build();

    private volatile String authorization;

    ServiceHttp(int portOffset) {
        this.portOffset = portOffset;
    }

    /** The {@code Authorization} header value sent from now on ({@code Bearer <token>}). */
    void authorization(String value) {
        this.authorization = value;
    }

    /** The port of a service, or of its replica {@code <service>-<n>} ({@link #service}): 100·(n − 1) higher. */
    int port(String service) {
        String base = service(service);
        int replica = base.equals(service) ? 1 : Integer.parseInt(service.substring(base.length() + 1));
        return PORTS.get(base) + portOffset + 100 * (replica - 1);
    }

    /** The service a process name belongs to: {@code trainer} for {@code trainer} and its replica {@code trainer-3}. */
    static String service(String name) {
        int dash = name.lastIndexOf('-');
        if (dash > 0
                && PORTS.containsKey(name.substring(0, dash))
                && name.substring(dash + 1).matches("[2-9]")) {
            return name.substring(0, dash);
        }
        return name;
    }

    /** The URL of a service's path. */
    String url(String service, String path) {
        return "http://127.0.0.1:" + port(service) + path;
    }

    /** True when the service answers {@code /q/health/ready} with 200 now. */
    boolean ready(String service) throws InterruptedException {
        try {
            return http.send(
                                    HttpRequest.newBuilder(URI.create(url(service, "/q/health/ready")))
                                            .timeout(Duration.ofSeconds(10))
                                            .GET()
                                            .build(),
                                    HttpResponse.BodyHandlers.discarding())
                            .statusCode()
                    == 200;
        } catch (IOException notYet) {
            return false;
        }
    }

    HttpResponse<String> get(String service, String path) throws IOException, InterruptedException {
        return http.send(
                authorized(HttpRequest.newBuilder(URI.create(url(service, path))))
                        .timeout(Duration.ofSeconds(10))
                        .GET()
                        .build(),
                HttpResponse.BodyHandlers.ofString());
    }

    HttpResponse<String> post(String service, String path, String json) throws IOException, InterruptedException {
        return http.send(
                authorized(HttpRequest.newBuilder(URI.create(url(service, path))))
                        .timeout(Duration.ofSeconds(30))
                        .header("Content-Type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofString(json))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private HttpRequest.Builder authorized(HttpRequest.Builder b) {
        String a = authorization;
        return a == null ? b : b.header("Authorization", a);
    }
}
