package io.genrestack.deploy.checks;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The services' Dockerfiles against the build and the code: built from source (a Maven stage with a cache mount
 * building the module, the build context the repository root with a .dockerignore keeping target/ out), a JRE 17
 * runtime stage with the fast-jar copied from the build stage in layers, the declared port exposed, a numeric
 * non-root user, no HEALTHCHECK, no credentials, only variables the code reads, and for the trainer's and the
 * stacker's CUDA images a libtorch of the PyTorch version the poms use.
 */
class DockerfilesTest {
    private static final Pattern ROOT_PYTORCH = Pattern.compile("<pytorch.version>([^<]+)</pytorch.version>");

    private final Path root = DeployFiles.repoRoot();

    /** One instruction per entry (continuations joined, comments dropped): keyword → arguments, in order. */
    record Instruction(String keyword, String args) {}

    static List<Instruction> parse(Path dockerfile) {
        List<Instruction> out = new ArrayList<>();
        StringBuilder cur = new StringBuilder();
        for (String raw : DeployFiles.read(dockerfile).split("\n")) {
            String line = raw.strip();
            if (line.startsWith("#") || (line.isEmpty() && cur.isEmpty())) {
                continue;
            }
            boolean more = line.endsWith("\\");
            cur.append(more ? line.substring(0, line.length() - 1) : line).append(' ');
            if (!more) {
                String s = cur.toString().strip();
                int sp = s.indexOf(' ');
                out.add(new Instruction(
                        s.substring(0, sp).toUpperCase(), s.substring(sp + 1).strip()));
                cur.setLength(0);
            }
        }
        return out;
    }

    /** ENV of the final stage: name → value, with ${ARG} replaced by the ARG defaults in scope. */
    static Map<String, String> env(List<Instruction> ins) {
        Map<String, String> args = new LinkedHashMap<>();
        Map<String, String> env = new LinkedHashMap<>();
        Pattern pair = Pattern.compile("([A-Za-z_][A-Za-z0-9_]*)=(\"[^\"]*\"|\\S*)");
        for (Instruction i : ins) {
            switch (i.keyword()) {
                case "FROM" -> env.clear();
                case "ARG" -> {
                    int eq = i.args().indexOf('=');
                    String name = eq < 0 ? i.args() : i.args().substring(0, eq);
                    if (eq >= 0 || !args.containsKey(name)) {
                        args.put(name, eq < 0 ? "" : i.args().substring(eq + 1));
                    }
                }
                case "ENV" -> {
                    Matcher m = pair.matcher(i.args());
                    while (m.find()) {
                        String v = m.group(2).replaceAll("^\"|\"$", "");
                        for (var a : args.entrySet()) {
                            v = v.replace("${" + a.getKey() + "}", a.getValue());
                        }
                        env.put(m.group(1), v);
                    }
                }
                default -> {}
            }
        }
        return env;
    }

    /** The instructions of the stage named {@code name} (FROM ... AS name), FROM first; empty if there is none. */
    static List<Instruction> stage(List<Instruction> ins, String name) {
        for (int i = 0; i < ins.size(); i++) {
            if (ins.get(i).keyword().equals("FROM") && ins.get(i).args().matches("(?i).*\\sAS\\s+" + name)) {
                int end = i + 1;
                while (end < ins.size() && !ins.get(end).keyword().equals("FROM")) {
                    end++;
                }
                return ins.subList(i, end);
            }
        }
        return List.of();
    }

    /** ${NAME} in a FROM replaced by the default of the global ARG (before the first FROM). */
    static String resolveArgs(List<Instruction> ins, String value) {
        String out = value;
        for (Instruction i : ins) {
            if (i.keyword().equals("FROM")) {
                break;
            }
            int eq = i.args().indexOf('=');
            if (i.keyword().equals("ARG") && eq > 0) {
                out = out.replace(
                        "${" + i.args().substring(0, eq) + "}", i.args().substring(eq + 1));
            }
        }
        return out;
    }

    private static List<Instruction> finalStage(List<Instruction> ins) {
        int from = 0;
        for (int i = 0; i < ins.size(); i++) {
            if (ins.get(i).keyword().equals("FROM")) {
                from = i;
            }
        }
        return ins.subList(from, ins.size());
    }

    private void checkCommon(String module, Path dockerfile, List<String> problems) {
        assertTrue(Files.isRegularFile(dockerfile), dockerfile + " missing");
        List<Instruction> all = parse(dockerfile);
        List<Instruction> last = finalStage(all);
        String where = root.relativize(dockerfile).toString();
        int port = DeployFiles.httpPort(root, module);

        List<String> exposed = last.stream()
                .filter(i -> i.keyword().equals("EXPOSE"))
                .map(Instruction::args)
                .toList();
        assertEquals(List.of(String.valueOf(port)), exposed, where + ": EXPOSE");
        assertTrue(all.stream().noneMatch(i -> i.keyword().equals("HEALTHCHECK")), where + ": no HEALTHCHECK");
        String user = last.stream()
                .filter(i -> i.keyword().equals("USER"))
                .reduce((a, b) -> b)
                .map(Instruction::args)
                .orElse("");
        assertTrue(user.matches("[1-9]\\d*(:\\d+)?"), where + ": USER must be a numeric non-root uid, got " + user);

        // Built from source: a Maven stage builds exactly this module (and what it needs) with a cached repository.
        List<Instruction> build = stage(all, "build");
        assertFalse(build.isEmpty(), where + ": no stage named build");
        String buildImage = resolveArgs(all, build.get(0).args().split("\\s+")[0]);
        assertTrue(buildImage.startsWith("maven:") && buildImage.contains("temurin-17"), where + ": " + buildImage);
        String workdir = build.stream()
                .filter(i -> i.keyword().equals("WORKDIR"))
                .map(Instruction::args)
                .reduce((a, b) -> b)
                .orElse("");
        assertTrue(
                build.stream()
                        .anyMatch(i -> i.keyword().equals("COPY") && i.args().matches("\\.\\s+\\.")),
                where + ": the build stage copies the repository (COPY . .)");
        String mvn = build.stream()
                .filter(i -> i.keyword().equals("RUN") && i.args().contains("mvn "))
                .map(Instruction::args)
                .findFirst()
                .orElse("");
        assertTrue(mvn.contains("--mount=type=cache,target=/root/.m2"), where + ": Maven repository as cache mount");
        assertTrue(
                mvn.matches(".*\\s-pl\\s+" + Pattern.quote(module) + "\\s.*")
                        && mvn.contains(" -am")
                        && mvn.contains("-DskipTests")
                        && mvn.matches(".*\\spackage(\\s.*)?"),
                where + ": " + mvn);

        // The fast-jar in layers from the build stage: lib, launcher, app, quarkus; nothing from the build context.
        String app = workdir + "/" + module + "/target/quarkus-app/";
        List<String> copies = last.stream()
                .filter(i -> i.keyword().equals("COPY") && i.args().contains("--from=build"))
                .map(i -> i.args().replaceAll("--\\S+\\s+", "").split("\\s+")[0])
                .toList();
        assertEquals(
                List.of(app + "lib/", app + "*.jar", app + "app/", app + "quarkus/"), copies, where + ": COPY layers");
        for (Instruction i : all) {
            if (i.keyword().equals("COPY") && !i.args().contains("--from=")) {
                assertFalse(i.args().contains("target/"), where + ": copies a host build output: COPY " + i.args());
            }
        }
        assertTrue(
                last.stream()
                        .noneMatch(i -> i.keyword().equals("COPY") && !i.args().contains("--from=")),
                where + ": the runtime stage copies from the build context");
        String entry = last.stream()
                .filter(i -> i.keyword().equals("ENTRYPOINT"))
                .map(Instruction::args)
                .findFirst()
                .orElse("");
        assertTrue(entry.contains("quarkus-run.jar"), where + ": ENTRYPOINT runs quarkus-run.jar");

        // A Dockerfile-specific .dockerignore would replace the root one (and used to ship only target/).
        Path ignore = dockerfile.resolveSibling(dockerfile.getFileName() + ".dockerignore");
        assertFalse(Files.exists(ignore), ignore + " overrides the root .dockerignore");

        Map<String, String> env = env(all);
        env.keySet().forEach(k -> assertFalse(ComposeFileTest.isCredential(k), where + " sets credential " + k));
        problems.addAll(EnvCheck.unmapped(root, module, env.keySet(), where));
    }

    @Test
    void everyServiceHasAJvmDockerfileOnTemurin17() {
        List<String> problems = new ArrayList<>();
        for (String m : DeployFiles.serviceModules(root)) {
            Path f = root.resolve(m).resolve("src/main/docker/Dockerfile.jvm");
            checkCommon(m, f, problems);
            List<Instruction> ins = parse(f);
            List<Instruction> from =
                    ins.stream().filter(i -> i.keyword().equals("FROM")).toList();
            assertEquals(2, from.size(), f + ": a build stage and the runtime stage");
            String runtime = resolveArgs(ins, from.get(1).args());
            assertTrue(runtime.startsWith("eclipse-temurin:17-jre"), f + ": " + runtime);
        }
        assertTrue(problems.isEmpty(), String.join("\n", problems));
    }

    /** The build context is the repository root: its .dockerignore keeps build outputs, VCS data and secrets out. */
    @Test
    void theRootDockerignoreKeepsBuildOutputsAndSecretsOut() {
        Path ignore = root.resolve(".dockerignore");
        assertTrue(Files.isRegularFile(ignore), ".dockerignore missing at the repository root");
        List<String> lines = DeployFiles.read(ignore)
                .lines()
                .map(String::strip)
                .filter(l -> !l.startsWith("#") && !l.isBlank())
                .toList();
        for (String must : List.of("**/target/", ".git/", ".env", ".cache/")) {
            assertTrue(lines.contains(must), ".dockerignore lacks " + must + ": " + lines);
        }
        // Nothing the Maven build needs is ignored: the poms and the sources of every module.
        for (String l : lines) {
            assertFalse(
                    l.equals("*") || l.equals("**") || l.contains("pom.xml") || l.contains("src"),
                    ".dockerignore drops build input: " + l);
        }
    }

    @Test
    void servicesThatRunDjlAreOfflineWithAWritableCache() {
        for (String m : DeployFiles.serviceModules(root)) {
            if (!ConfigKeys.withDependencies(root, m).contains("ml")) {
                continue;
            }
            Map<String, String> env = env(parse(root.resolve(m).resolve("src/main/docker/Dockerfile.jvm")));
            assertEquals("true", env.get("DJL_OFFLINE"), m);
            assertTrue(env.getOrDefault("DJL_CACHE_DIR", "").startsWith("/var/lib/genrestack/"), m + ": DJL_CACHE_DIR");
        }
    }

    /** The trainer's and the stacker's CUDA images (ComposeFileTest.GPU_SERVICES: module, device variable). */
    @ParameterizedTest
    @CsvSource({"trainer-service,GENRESTACK_TRAINER_DEVICE", "stacker-service,GENRESTACK_STACKER_DEVICE"})
    void theCudaImagesPointDjlAtTheInstalledLibtorch(String module, String deviceVariable) {
        assertEquals(deviceVariable, ComposeFileTest.GPU_SERVICES.get(module), "a GPU service in docker-compose.yml");
        Path f = root.resolve(module + "/src/main/docker/Dockerfile.cuda");
        List<String> problems = new ArrayList<>();
        checkCommon(module, f, problems);
        assertTrue(problems.isEmpty(), String.join("\n", problems));
        List<Instruction> ins = parse(f);
        Map<String, String> env = env(ins);
        Matcher pv = ROOT_PYTORCH.matcher(DeployFiles.read(root.resolve("pom.xml")));
        assertTrue(pv.find(), "root pom: pytorch.version");
        assertEquals(pv.group(1), env.get("PYTORCH_VERSION"), "libtorch must be the PyTorch version of the poms' DJL");
        // pytorch-jni 2.7.1-0.36.0 ships JNI glue for cpu and cu128 only: the flavor must be one it has.
        assertEquals("cu128", env.get("PYTORCH_FLAVOR"));
        assertEquals("/opt/libtorch/lib", env.get("PYTORCH_LIBRARY_PATH"));
        // libtorch 2.7's libcufile_rdma.so.1 needs libibverbs/librdmacm, absent from the CUDA runtime image, and DJL
        // loads every library of the folder: either DJL skips it or the image installs what it needs.
        boolean excluded = List.of(
                        env.getOrDefault("PYTORCH_LIBRARY_EXCLUSION", "").split(","))
                .contains("libcufile_rdma.so.1");
        boolean installed = ins.stream()
                .anyMatch(i -> i.keyword().equals("RUN")
                        && i.args().contains("libibverbs1")
                        && i.args().contains("librdmacm1"));
        assertTrue(excluded || installed, "Dockerfile.cuda: libcufile_rdma.so.1 would fail to load");
        assertEquals("true", env.get("DJL_OFFLINE"));
        assertEquals("gpu", env.get(deviceVariable), f + ": the device");
        String cudaBase = ins.stream()
                .filter(i -> i.keyword().equals("ARG") && i.args().startsWith("CUDA_IMAGE="))
                .map(i -> i.args().substring("CUDA_IMAGE=".length()))
                .findFirst()
                .orElse("");
        assertTrue(cudaBase.matches("nvidia/cuda:12\\.8\\.\\d+-cudnn-runtime-ubuntu\\d+\\.\\d+"), cudaBase);
        String fetch = ins.stream()
                .filter(i -> i.keyword().equals("ARG") && i.args().startsWith("LIBTORCH_URL="))
                .map(Instruction::args)
                .findFirst()
                .orElse("");
        assertTrue(fetch.contains("${LIBTORCH_VERSION}%2B${LIBTORCH_FLAVOR}"), fetch);
        assertTrue(
                ins.stream()
                        .anyMatch(i -> i.keyword().equals("COPY")
                                && i.args().contains("--from=libtorch /opt/libtorch /opt/libtorch")),
                "libtorch copied to /opt/libtorch");
        assertTrue(
                ins.stream()
                        .anyMatch(i -> i.keyword().equals("COPY") && i.args().contains("--from=jre")),
                "JRE 17 copied from the Temurin image");
    }
}
