package io.genrestack.testkit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.lang.annotation.Annotation;
import java.lang.reflect.Method;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.URL;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.SortedSet;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * Checks a running service's OpenAPI document ({@code /q/openapi}) against its code: the JAX-RS endpoints found by
 * reflection over the {@code @Path} classes of the service's package (not a list kept by hand) must be exactly the
 * documented operations, each with a summary, a success response and, for every 4xx/5xx response but the
 * security refusals 401/403 (empty bodies), the JSON error body's schema (an object with an {@code error}
 * property). The Swagger UI must be served too, and a bearer (JWT) security scheme declared. Used by each
 * service's {@code OpenApiTest}.
 *
 * <p>Annotations are matched by name ({@code jakarta.ws.rs.*}), so the check works whichever class loader (Quarkus'
 * or the JUnit one) loaded the resources.
 */
public final class OpenApiCheck {
    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final String PATH = "jakarta.ws.rs.Path";
    private static final String HTTP_METHOD = "jakarta.ws.rs.HttpMethod";
    /** A JAX-RS template parameter with a regular expression, {@code {name: regex}}: OpenAPI shows {@code {name}}. */
    private static final Pattern TEMPLATE = Pattern.compile("\\{\\s*([A-Za-z0-9_.-]+)\\s*:[^}]*}");

    private OpenApiCheck() {}

    /**
     * Fetches {@code base}/q/openapi (JSON) and {@code base}/q/swagger-ui/ without credentials and checks the
     * document against the endpoints of the {@code @Path} classes in {@code anchor}'s package and below.
     */
    public static void assertServedAndComplete(URL base, Class<?> anchor) throws Exception {
        HttpClient http =
                HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
        URI root = base.toURI();
        HttpResponse<String> doc = get(http, root.resolve("/q/openapi?format=json"));
        assertEquals(200, doc.statusCode(), "GET /q/openapi: " + doc.body());
        HttpResponse<String> ui = get(http, root.resolve("/q/swagger-ui/"));
        assertEquals(200, ui.statusCode(), "GET /q/swagger-ui/");
        assertTrue(ui.body().toLowerCase(Locale.ROOT).contains("swagger"), "the Swagger UI page");
        assertComplete(MAPPER.readTree(doc.body()), anchor);
    }

    /** Checks a parsed OpenAPI document against the endpoints of {@code anchor}'s package (see the class doc). */
    public static void assertComplete(JsonNode doc, Class<?> anchor) throws IOException {
        assertTrue(doc.path("openapi").asText().startsWith("3."), "an OpenAPI 3 document: " + doc.path("openapi"));
        assertTrue(bearerScheme(doc), "a bearer (JWT) security scheme in components.securitySchemes");
        SortedSet<String> code = endpoints(anchor);
        SortedSet<String> documented = documented(doc);
        assertEquals(code, documented, "the endpoints of the code (left) vs those the document lists (right)");
        List<String> problems = new ArrayList<>();
        for (Iterator<Map.Entry<String, JsonNode>> p = doc.path("paths").fields(); p.hasNext(); ) {
            Map.Entry<String, JsonNode> path = p.next();
            for (Iterator<Map.Entry<String, JsonNode>> o = path.getValue().fields(); o.hasNext(); ) {
                Map.Entry<String, JsonNode> op = o.next();
                String name = op.getKey().toUpperCase(Locale.ROOT) + " " + path.getKey();
                if (code.contains(name)) {
                    problems.addAll(operationProblems(doc, name, op.getValue()));
                }
            }
        }
        assertTrue(problems.isEmpty(), String.join("\n", problems));
    }

    /**
     * Every endpoint ({@code "GET /runs/{id}"}) of the JAX-RS resource classes ({@code @Path} on the class) in the
     * package of {@code anchor} and its sub-packages, found by reflection over the compiled classes next to it.
     */
    public static SortedSet<String> endpoints(Class<?> anchor) throws IOException {
        SortedSet<String> out = new TreeSet<>();
        for (Class<?> c : classesNextTo(anchor)) {
            Optional<String> classPath = pathOf(c.getAnnotations());
            if (classPath.isEmpty()) {
                continue;
            }
            for (Method m : c.getMethods()) {
                Optional<String> verb = httpMethod(m.getAnnotations());
                Optional<String> sub = pathOf(m.getAnnotations());
                if (verb.isPresent()) {
                    out.add(verb.get() + " " + join(classPath.get(), sub.orElse("")));
                } else if (sub.isPresent()) {
                    fail(c.getName() + "." + m.getName() + " is a sub-resource locator: not covered by this check");
                }
            }
        }
        return out;
    }

    /** The operations a document lists, as {@code "GET /path"}. */
    public static SortedSet<String> documented(JsonNode doc) {
        SortedSet<String> out = new TreeSet<>();
        doc.path("paths")
                .fields()
                .forEachRemaining(p -> p.getValue().fieldNames().forEachRemaining(verb -> {
                    if (List.of("get", "put", "post", "delete", "options", "head", "patch", "trace")
                            .contains(verb)) {
                        out.add(verb.toUpperCase(Locale.ROOT) + " " + p.getKey());
                    }
                }));
        return out;
    }

    private static List<String> operationProblems(JsonNode doc, String name, JsonNode op) {
        List<String> problems = new ArrayList<>();
        if (op.path("summary").asText().isBlank()) {
            problems.add(name + ": no summary (@Operation)");
        }
        JsonNode responses = op.path("responses");
        boolean success = false;
        for (Iterator<Map.Entry<String, JsonNode>> r = responses.fields(); r.hasNext(); ) {
            Map.Entry<String, JsonNode> e = r.next();
            if (e.getKey().startsWith("2")) {
                success = true;
                if (!e.getKey().equals("204") && e.getValue().path("content").isEmpty()) {
                    problems.add(name + " " + e.getKey() + ": no response body content");
                }
            } else if (e.getKey().equals("401") || e.getKey().equals("403")) {
                // the security responses: empty bodies by design (docs/reliability.md "Authentication")
                if (!e.getValue().path("content").isMissingNode()
                        && !e.getValue().path("content").isEmpty()) {
                    problems.add(name + " " + e.getKey() + ": a security refusal must not promise a body");
                }
            } else if (e.getKey().startsWith("4") || e.getKey().startsWith("5")) {
                JsonNode schema =
                        e.getValue().path("content").path("application/json").path("schema");
                if (schema.isMissingNode()) {
                    problems.add(name + " " + e.getKey() + ": no application/json error body schema");
                } else if (!resolve(doc, schema).path("properties").has("error")) {
                    problems.add(name + " " + e.getKey() + ": the error schema has no 'error' property");
                }
            }
        }
        if (!success) {
            problems.add(name + ": no 2xx response documented");
        }
        if (responses.size() < 2) {
            problems.add(name + ": no error response documented");
        }
        return problems;
    }

    private static JsonNode resolve(JsonNode doc, JsonNode schema) {
        String ref = schema.path("$ref").asText();
        return ref.startsWith("#/") ? doc.at(ref.substring(1)) : schema;
    }

    private static boolean bearerScheme(JsonNode doc) {
        for (JsonNode s : doc.path("components").path("securitySchemes")) {
            if (s.path("type").asText().equals("http")
                    && s.path("scheme").asText().equalsIgnoreCase("bearer")) {
                return true;
            }
        }
        return false;
    }

    private static String join(String classPath, String methodPath) {
        String p = "/" + classPath + "/" + methodPath;
        p = p.replaceAll("/+", "/");
        if (p.length() > 1 && p.endsWith("/")) {
            p = p.substring(0, p.length() - 1);
        }
        Matcher m = TEMPLATE.matcher(p);
        return m.replaceAll("{$1}");
    }

    private static Optional<String> pathOf(Annotation[] annotations) {
        for (Annotation a : annotations) {
            if (a.annotationType().getName().equals(PATH)) {
                return Optional.of(value(a));
            }
        }
        return Optional.empty();
    }

    private static Optional<String> httpMethod(Annotation[] annotations) {
        for (Annotation a : annotations) {
            for (Annotation meta : a.annotationType().getAnnotations()) {
                if (meta.annotationType().getName().equals(HTTP_METHOD)) {
                    return Optional.of(value(meta));
                }
            }
        }
        return Optional.empty();
    }

    private static String value(Annotation a) {
        try {
            return (String) a.annotationType().getMethod("value").invoke(a);
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException(a.toString(), e);
        }
    }

    /** The top-level and nested classes compiled into {@code anchor}'s package folder and below. */
    private static List<Class<?>> classesNextTo(Class<?> anchor) throws IOException {
        URL self = anchor.getResource(anchor.getSimpleName() + ".class");
        if (self == null || !self.getProtocol().equals("file")) {
            throw new IllegalStateException("cannot list the classes next to " + anchor + " (at " + self + ")");
        }
        Path dir;
        try {
            dir = Path.of(self.toURI()).getParent();
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
        String pkg = anchor.getPackageName();
        List<Class<?>> out = new ArrayList<>();
        try (Stream<Path> files = Files.walk(dir)) {
            for (Path f :
                    files.filter(f -> f.toString().endsWith(".class")).sorted().toList()) {
                String rel =
                        dir.relativize(f).toString().replace(f.getFileSystem().getSeparator(), ".");
                String name = pkg + "." + rel.substring(0, rel.length() - ".class".length());
                try {
                    Class<?> c = Class.forName(name, false, anchor.getClassLoader());
                    if (!c.isAnnotation()) {
                        out.add(c);
                    }
                } catch (ClassNotFoundException | LinkageError e) {
                    throw new IllegalStateException("cannot load " + name, e);
                }
            }
        }
        return out;
    }

    private static HttpResponse<String> get(HttpClient http, URI uri) throws Exception {
        return http.send(
                HttpRequest.newBuilder(uri)
                        .timeout(Duration.ofSeconds(30))
                        .GET()
                        .build(),
                HttpResponse.BodyHandlers.ofString());
    }
}
