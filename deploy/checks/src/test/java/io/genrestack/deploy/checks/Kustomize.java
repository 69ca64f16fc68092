package io.genrestack.deploy.checks;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Just enough of kustomize to check the repository's kustomizations without the kustomize binary: loads the
 * resources of a kustomization (recursively through bases), generates the Secrets of {@code secretGenerator}
 * ({@code envs} / {@code files}; a file the user has not created yet, as in a fresh clone, gives the keys of its
 * {@code .example} or of the {@code key=path} form with a placeholder value), applies JSON 6902 patches with a target
 * (by kind and name, or every resource of the kind), strategic-merge patches of maps (lists replaced, which is all
 * the overlays here use) including {@code $patch: delete}, and the {@code images} transformer. Where kubectl is
 * installed, {@link KubernetesManifestsTest} also renders with the real thing.
 */
final class Kustomize {
    private Kustomize() {}

    /** A resource document and the file it came from. */
    record Resource(Path file, ObjectNode doc) {
        String kind() {
            return doc.path("kind").asText();
        }

        String name() {
            return doc.path("metadata").path("name").asText();
        }
    }

    /** The resources of the kustomization in {@code dir}, after its patches and image overrides. */
    static List<Resource> build(Path dir) {
        JsonNode k = DeployFiles.document(dir.resolve("kustomization.yaml"));
        List<Resource> out = new ArrayList<>();
        for (JsonNode r : k.path("resources")) {
            Path p = dir.resolve(r.asText()).normalize();
            if (Files.isDirectory(p)) {
                out.addAll(build(p));
            } else {
                for (JsonNode d : DeployFiles.documents(p)) {
                    out.add(new Resource(p, (ObjectNode) d.deepCopy()));
                }
            }
        }
        for (JsonNode gen : k.path("secretGenerator")) {
            out.add(new Resource(dir.resolve("kustomization.yaml"), generatedSecret(dir, gen)));
        }
        for (JsonNode patch : k.path("patches")) {
            Path file = dir.resolve(patch.path("path").asText());
            List<JsonNode> docs = DeployFiles.documents(file);
            if (docs.size() == 1 && docs.get(0).isArray()) {
                JsonNode target = patch.path("target");
                boolean byName = target.has("name");
                List<Resource> hits = out.stream()
                        .filter(r -> r.kind().equals(target.path("kind").asText())
                                && (!byName
                                        || r.name().equals(target.path("name").asText())))
                        .toList();
                if (byName ? hits.size() != 1 : hits.isEmpty()) {
                    throw new AssertionError(file + ": target " + target + " matches " + hits.size() + " resources");
                }
                for (Resource hit : hits) {
                    applyJson6902(hit.doc(), docs.get(0));
                }
            } else {
                for (JsonNode d : docs) {
                    List<Resource> hits = out.stream()
                            .filter(r -> r.kind().equals(d.path("kind").asText())
                                    && r.name()
                                            .equals(d.path("metadata")
                                                    .path("name")
                                                    .asText()))
                            .toList();
                    if (hits.size() != 1) {
                        throw new AssertionError(
                                file + ": strategic-merge patch matches " + hits.size() + " resources");
                    }
                    if (d.path("$patch").asText().equals("delete")) {
                        out.remove(hits.get(0));
                    } else {
                        merge(hits.get(0).doc(), d);
                    }
                }
            }
        }
        for (JsonNode img : k.path("images")) {
            for (Resource r : out) {
                for (JsonNode c : containers(r.doc())) {
                    String image = c.path("image").asText();
                    int colon = image.lastIndexOf(':');
                    String name = colon < 0 ? image : image.substring(0, colon);
                    if (name.equals(img.path("name").asText())) {
                        String newName = img.path("newName").asText(name);
                        String tag = img.path("newTag").asText(colon < 0 ? "latest" : image.substring(colon + 1));
                        ((ObjectNode) c).put("image", newName + ":" + tag);
                    }
                }
            }
        }
        return out;
    }

    /** The Secret a secretGenerator entry makes (values base64-encoded as kustomize writes them). */
    private static ObjectNode generatedSecret(Path dir, JsonNode gen) {
        Map<String, String> data = new TreeMap<>();
        for (JsonNode env : gen.path("envs")) {
            Path f = dir.resolve(env.asText());
            Path source = Files.isRegularFile(f) ? f : f.resolveSibling(f.getFileName() + ".example");
            if (!Files.isRegularFile(source)) {
                throw new AssertionError(
                        "secretGenerator " + gen.path("name") + ": neither " + f + " nor its .example");
            }
            for (String line : DeployFiles.read(source).split("\n")) {
                int eq = line.indexOf('=');
                if (!line.isBlank() && !line.strip().startsWith("#") && eq > 0) {
                    String v = line.substring(eq + 1).strip();
                    data.put(line.substring(0, eq).strip(), source == f && !v.isEmpty() ? v : "<from " + f + ">");
                }
            }
        }
        for (JsonNode file : gen.path("files")) {
            String spec = file.asText();
            int eq = spec.indexOf('=');
            Path f = dir.resolve(eq < 0 ? spec : spec.substring(eq + 1));
            String key = eq < 0 ? f.getFileName().toString() : spec.substring(0, eq);
            data.put(key, Files.isRegularFile(f) ? DeployFiles.read(f) : "<from " + f + ">");
        }
        ObjectNode s = DeployFiles.YAML.createObjectNode();
        s.put("apiVersion", "v1");
        s.put("kind", "Secret");
        ObjectNode meta = s.putObject("metadata");
        meta.put("name", gen.path("name").asText());
        s.put("type", "Opaque");
        ObjectNode d = s.putObject("data");
        data.forEach((key, v) -> d.put(
                key,
                java.util.Base64.getEncoder().encodeToString(v.getBytes(java.nio.charset.StandardCharsets.UTF_8))));
        return s;
    }

    /** Containers (and init containers) of a workload or pod document; empty for other kinds. */
    static List<JsonNode> containers(JsonNode doc) {
        JsonNode spec = podSpec(doc);
        List<JsonNode> out = new ArrayList<>();
        spec.path("initContainers").forEach(out::add);
        spec.path("containers").forEach(out::add);
        return out;
    }

    /** The pod spec of a Deployment / StatefulSet / DaemonSet / Job / Pod document (missing node otherwise). */
    static JsonNode podSpec(JsonNode doc) {
        String kind = doc.path("kind").asText();
        if (kind.equals("Pod")) {
            return doc.path("spec");
        }
        return doc.path("spec").path("template").path("spec");
    }

    /** RFC 6902 add / remove / replace (what kustomize overlays use), failing like kustomize on a missing path. */
    static void applyJson6902(ObjectNode doc, JsonNode ops) {
        for (JsonNode op : ops) {
            String path = op.path("path").asText();
            int slash = path.lastIndexOf('/');
            JsonNode parent = doc.at(path.substring(0, slash));
            String last = path.substring(slash + 1).replace("~1", "/").replace("~0", "~");
            String kind = op.path("op").asText();
            if (parent.isMissingNode()) {
                throw new AssertionError("patch " + op + ": no " + path.substring(0, slash));
            }
            if (parent.isObject()) {
                ObjectNode o = (ObjectNode) parent;
                switch (kind) {
                    case "remove" -> {
                        if (o.remove(last) == null) {
                            throw new AssertionError("patch " + op + ": nothing to remove");
                        }
                    }
                    case "replace" -> {
                        if (!o.has(last)) {
                            throw new AssertionError("patch " + op + ": nothing to replace");
                        }
                        o.set(last, op.get("value"));
                    }
                    case "add" -> o.set(last, op.get("value"));
                    default -> throw new AssertionError("unsupported op " + kind);
                }
            } else if (parent.isArray()) {
                ArrayNode a = (ArrayNode) parent;
                int i = last.equals("-") ? a.size() : Integer.parseInt(last);
                switch (kind) {
                    case "remove" -> a.remove(i);
                    case "replace" -> a.set(i, op.get("value"));
                    case "add" -> a.insert(i, op.get("value"));
                    default -> throw new AssertionError("unsupported op " + kind);
                }
            } else {
                throw new AssertionError("patch " + op + ": parent is a scalar");
            }
        }
    }

    private static void merge(ObjectNode target, JsonNode patch) {
        patch.fields().forEachRemaining(f -> {
            JsonNode t = target.get(f.getKey());
            if (t != null && t.isObject() && f.getValue().isObject()) {
                merge((ObjectNode) t, f.getValue());
            } else {
                target.set(f.getKey(), f.getValue());
            }
        });
    }
}
