package io.genrestack.deploy.checks;

import java.io.IOException;
import java.io.StringReader;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The configuration keys the code of a module really declares, read from its sources: the
 * {@code @ConfigMapping(prefix = ...)} interfaces (method names in kebab case, {@code @WithName} honoured, nested
 * group interfaces followed), {@code @ConfigProperty(name = ...)} injection points, and the keys of
 * {@code application.properties} / {@code META-INF/microprofile-config.properties}, over the module and the
 * GenreStack modules it depends on (non-test scope, transitively). Used to check that every variable a deployment
 * sets maps to a key that something reads.
 */
final class ConfigKeys {
    private static final Pattern CONFIG_MAPPING = Pattern.compile("@ConfigMapping\\s*\\(([^)]*)\\)");
    private static final Pattern PREFIX = Pattern.compile("prefix\\s*=\\s*\"([^\"]*)\"");
    private static final Pattern CONFIG_PROPERTY =
            Pattern.compile("@ConfigProperty\\s*\\([^)]*?name\\s*=\\s*\"([^\"]+)\"");
    private static final Pattern INTERFACE_HEAD = Pattern.compile("\\binterface\\s+(\\w+)[^{]*\\{");
    private static final Pattern WITH_NAME = Pattern.compile("@WithName\\s*\\(\\s*\"([^\"]+)\"\\s*\\)");
    private static final Pattern ANNOTATION = Pattern.compile("@[\\w.]+(\\s*\\((?:[^()\"]|\"[^\"]*\")*\\))?");
    private static final Pattern METHOD = Pattern.compile("^(.+?)\\s+(\\w+)\\s*\\(\\s*\\)$", Pattern.DOTALL);
    private static final Pattern DEPENDENCY = Pattern.compile("<dependency>(.*?)</dependency>", Pattern.DOTALL);
    private static final Pattern ARTIFACT = Pattern.compile("<artifactId>([^<]+)</artifactId>");

    private ConfigKeys() {}

    /** Properties declared by the module and the GenreStack modules it depends on. */
    static Set<String> declared(Path root, String module) {
        Set<String> keys = new TreeSet<>();
        for (String m : withDependencies(root, module)) {
            Path dir = root.resolve(m);
            Path java = dir.resolve("src/main/java");
            if (Files.isDirectory(java)) {
                try (Stream<Path> s = Files.walk(java)) {
                    s.filter(p -> p.toString().endsWith(".java"))
                            .forEach(p -> keys.addAll(fromJava(DeployFiles.read(p))));
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            }
            for (String props : List.of(
                    "src/main/resources/application.properties",
                    "src/main/resources/META-INF/microprofile-config.properties")) {
                Path p = dir.resolve(props);
                if (Files.isRegularFile(p)) {
                    keys.addAll(properties(p).keySet());
                }
            }
        }
        return keys;
    }

    /** The environment-variable names matching the module's declared properties (env form → property). */
    static Map<String, String> declaredEnv(Path root, String module) {
        Map<String, String> env = new LinkedHashMap<>();
        for (String k : declared(root, module)) {
            env.putIfAbsent(DeployFiles.envForm(k), k);
        }
        return env;
    }

    /** The module followed by the GenreStack modules it depends on outside test scope, transitively. */
    static List<String> withDependencies(Path root, String module) {
        Set<String> seen = new LinkedHashSet<>();
        Deque<String> todo = new ArrayDeque<>(List.of(module));
        while (!todo.isEmpty()) {
            String m = todo.pop();
            if (!seen.add(m)) {
                continue;
            }
            Path pom = root.resolve(m).resolve("pom.xml");
            if (!Files.isRegularFile(pom)) {
                throw new AssertionError("module " + m + " has no pom.xml under " + root);
            }
            Matcher d = DEPENDENCY.matcher(DeployFiles.read(pom));
            while (d.find()) {
                String dep = d.group(1);
                if (!dep.contains("<groupId>io.genrestack</groupId>") || dep.contains("<scope>test</scope>")) {
                    continue;
                }
                Matcher a = ARTIFACT.matcher(dep);
                if (a.find() && Files.isDirectory(root.resolve(a.group(1)))) {
                    todo.add(a.group(1));
                }
            }
        }
        return List.copyOf(seen);
    }

    /** Keys (profile prefixes such as {@code %dev.} removed) and values of a properties file. */
    static Map<String, String> properties(Path file) {
        Properties p = new Properties();
        try {
            p.load(new StringReader(DeployFiles.read(file)));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        Map<String, String> out = new LinkedHashMap<>();
        for (String k : p.stringPropertyNames()) {
            String key = k.startsWith("%") && k.indexOf('.') > 0 ? k.substring(k.indexOf('.') + 1) : k;
            if (!k.startsWith("%")) {
                out.put(key, p.getProperty(k));
            } else {
                out.putIfAbsent(key, p.getProperty(k));
            }
        }
        return out;
    }

    /** The properties one Java source declares through @ConfigMapping interfaces and @ConfigProperty. */
    static Set<String> fromJava(String source) {
        String src = stripComments(source);
        Set<String> keys = new TreeSet<>();
        Matcher cp = CONFIG_PROPERTY.matcher(src);
        while (cp.find()) {
            keys.add(cp.group(1));
        }
        Matcher cm = CONFIG_MAPPING.matcher(src);
        while (cm.find()) {
            Matcher prefix = PREFIX.matcher(cm.group(1));
            String pre = prefix.find() ? prefix.group(1) : "";
            Matcher head = INTERFACE_HEAD.matcher(src);
            if (!head.find(cm.end())) {
                continue;
            }
            int open = head.end() - 1;
            String body = src.substring(open + 1, matchingBrace(src, open));
            collect(pre, body, keys);
        }
        return keys;
    }

    /** Adds the properties of one interface body (members at its top level; nested interfaces are groups). */
    private static void collect(String prefix, String body, Set<String> keys) {
        Map<String, String> nested = new LinkedHashMap<>();
        List<String> statements = new ArrayList<>();
        StringBuilder cur = new StringBuilder();
        for (int i = 0; i < body.length(); i++) {
            char c = body.charAt(i);
            if (c == '"') {
                int end = endOfString(body, i);
                cur.append(body, i, end + 1);
                i = end;
            } else if (c == '{') {
                int close = matchingBrace(body, i);
                Matcher h = Pattern.compile("\\binterface\\s+(\\w+)").matcher(cur);
                if (h.find()) {
                    nested.put(h.group(1), body.substring(i + 1, close));
                }
                cur.setLength(0); // a nested type or a default method: not a property
                i = close;
            } else if (c == ';') {
                statements.add(cur.toString().trim());
                cur.setLength(0);
            } else {
                cur.append(c);
            }
        }
        for (String st : statements) {
            Matcher wn = WITH_NAME.matcher(st);
            String explicit = wn.find() ? wn.group(1) : null;
            String decl = ANNOTATION.matcher(st).replaceAll(" ").trim();
            if (decl.startsWith("static ") || decl.contains("=")) {
                continue; // constants
            }
            Matcher m = METHOD.matcher(decl);
            if (!m.matches()) {
                continue;
            }
            String name = explicit != null ? explicit : kebab(m.group(2));
            String key = prefix.isEmpty() ? name : prefix + "." + name;
            String type = m.group(1).replaceAll("\\s+", "");
            String group = nested.keySet().stream()
                    .filter(n -> type.equals(n) || type.matches(".*[<.]" + n + ">?"))
                    .findFirst()
                    .orElse(null);
            if (group != null) {
                collect(key, nested.get(group), keys);
            } else {
                keys.add(key);
            }
        }
    }

    /** SmallRye's default naming of mapping methods: {@code autoRunGroundTruth} → {@code auto-run-ground-truth}. */
    static String kebab(String camel) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < camel.length(); i++) {
            char c = camel.charAt(i);
            if (Character.isUpperCase(c)) {
                boolean afterLower = i > 0 && !Character.isUpperCase(camel.charAt(i - 1));
                boolean acronymEnd = i > 0
                        && Character.isUpperCase(camel.charAt(i - 1))
                        && i + 1 < camel.length()
                        && Character.isLowerCase(camel.charAt(i + 1));
                if (afterLower || acronymEnd) {
                    sb.append('-');
                }
                sb.append(Character.toLowerCase(c));
            } else {
                sb.append(c);
            }
        }
        return sb.toString();
    }

    private static int matchingBrace(String s, int open) {
        int depth = 0;
        for (int i = open; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '"') {
                i = endOfString(s, i);
            } else if (c == '\'') {
                i = s.indexOf('\'', i + (s.charAt(i + 1) == '\\' ? 2 : 1) + 1);
            } else if (c == '{') {
                depth++;
            } else if (c == '}' && --depth == 0) {
                return i;
            }
        }
        throw new IllegalArgumentException("unbalanced braces");
    }

    private static int endOfString(String s, int quote) {
        if (s.startsWith("\"\"\"", quote)) {
            return s.indexOf("\"\"\"", quote + 3) + 2;
        }
        for (int i = quote + 1; i < s.length(); i++) {
            if (s.charAt(i) == '\\') {
                i++;
            } else if (s.charAt(i) == '"') {
                return i;
            }
        }
        return s.length() - 1;
    }

    /** Removes // and block comments, leaving string literals (which may hold "//", as URLs do) intact. */
    static String stripComments(String s) {
        StringBuilder out = new StringBuilder(s.length());
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '"') {
                int end = endOfString(s, i);
                out.append(s, i, end + 1);
                i = end;
            } else if (c == '\'' && i + 2 < s.length()) {
                int end = s.indexOf('\'', i + (s.charAt(i + 1) == '\\' ? 2 : 1) + 1);
                out.append(s, i, end + 1);
                i = end;
            } else if (s.startsWith("//", i)) {
                int nl = s.indexOf('\n', i);
                i = nl < 0 ? s.length() : nl - 1;
            } else if (s.startsWith("/*", i)) {
                int end = s.indexOf("*/", i + 2);
                out.append(' ');
                i = end < 0 ? s.length() : end + 1;
            } else {
                out.append(c);
            }
        }
        return out.toString();
    }
}
