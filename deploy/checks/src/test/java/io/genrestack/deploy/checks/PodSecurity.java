package io.genrestack.deploy.checks;

import com.fasterxml.jackson.databind.JsonNode;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * The Kubernetes Pod Security Standards, level "restricted" (which includes "baseline"), as written in the
 * Kubernetes documentation (concepts/security/pod-security-standards), applied to one pod spec, plus this project's
 * own hardening rules. Every violation is reported as {@code [rule] where: what}, so that a test can tell which rule
 * fired.
 *
 * <p>Baseline: no {@code hostProcess}; no host namespaces ({@code hostNetwork}, {@code hostPID}, {@code hostIPC});
 * no {@code privileged} container; capabilities added only from the baseline list; no {@code hostPath} volumes; no
 * {@code hostPort}; AppArmor only {@code RuntimeDefault} / {@code Localhost}; SELinux type only {@code container_t},
 * {@code container_init_t}, {@code container_kvm_t} and no user or role; {@code procMount} only {@code Default};
 * seccomp never {@code Unconfined}; only the safe sysctls. Restricted adds: volumes only of the types configMap,
 * csi, downwardAPI, emptyDir, ephemeral, persistentVolumeClaim, projected, secret; {@code allowPrivilegeEscalation:
 * false} on every container; {@code runAsNonRoot: true} (pod, or every container); {@code runAsUser} never 0;
 * seccomp {@code RuntimeDefault} or {@code Localhost} (pod, or every container); capabilities {@code drop: [ALL]} and
 * {@code add} only {@code NET_BIND_SERVICE}.
 *
 * <p>Project rules on top: {@code readOnlyRootFilesystem: true} on every container; every emptyDir sized
 * ({@code sizeLimit}) and the pod's emptyDirs within its containers' {@code ephemeral-storage} limits (so that the
 * kubelet schedules for them and evicts nothing for using what it was given); no service account token for pods
 * that do not talk to the API server.
 */
final class PodSecurity {
    static final Set<String> ALLOWED_VOLUMES = Set.of(
            "configMap", "csi", "downwardAPI", "emptyDir", "ephemeral", "persistentVolumeClaim", "projected", "secret");
    /** Volume fields that are not a volume source. */
    private static final Set<String> VOLUME_META = Set.of("name");

    static final Set<String> SAFE_SYSCTLS = Set.of(
            "kernel.shm_rmid_forced",
            "net.ipv4.ip_local_port_range",
            "net.ipv4.ip_unprivileged_port_start",
            "net.ipv4.tcp_syncookies",
            "net.ipv4.ping_group_range",
            "net.ipv4.ip_local_reserved_ports",
            "net.ipv4.tcp_keepalive_time",
            "net.ipv4.tcp_fin_timeout",
            "net.ipv4.tcp_keepalive_intvl",
            "net.ipv4.tcp_keepalive_probes");
    static final Set<String> SELINUX_TYPES = Set.of("container_t", "container_init_t", "container_kvm_t");
    static final Set<String> SECCOMP_OK = Set.of("RuntimeDefault", "Localhost");

    private PodSecurity() {}

    /** What to check: everything, or only the security rules (Strimzi's pod templates have no volumes to size). */
    enum Scope {
        FULL,
        SECURITY_ONLY
    }

    /** Violations of the pod spec (empty: it passes). {@code annotations}: the pod template's annotations. */
    static List<String> violations(JsonNode pod, JsonNode annotations, String where, Scope scope) {
        List<String> v = new ArrayList<>();
        JsonNode psc = pod.path("securityContext");
        for (String ns : List.of("hostNetwork", "hostPID", "hostIPC")) {
            if (pod.path(ns).asBoolean(false)) {
                v.add("[" + ns + "] " + where + ": host namespaces are forbidden");
            }
        }
        if (psc.path("windowsOptions").path("hostProcess").asBoolean(false)) {
            v.add("[hostProcess] " + where + ": pod securityContext.windowsOptions.hostProcess");
        }
        for (JsonNode vol : pod.path("volumes")) {
            vol.fieldNames().forEachRemaining(f -> {
                if (VOLUME_META.contains(f)) {
                    return;
                }
                if (f.equals("hostPath")) {
                    v.add("[hostPath] " + where + ": volume " + vol.path("name").asText() + " is a hostPath");
                } else if (!ALLOWED_VOLUMES.contains(f)) {
                    v.add("[volumeType] " + where + ": volume "
                            + vol.path("name").asText() + " has type " + f);
                }
            });
        }
        for (JsonNode s : psc.path("sysctls")) {
            if (!SAFE_SYSCTLS.contains(s.path("name").asText())) {
                v.add("[sysctls] " + where + ": unsafe sysctl " + s.path("name").asText());
            }
        }
        boolean podNonRoot = psc.path("runAsNonRoot").asBoolean(false);
        String podSeccomp = psc.path("seccompProfile").path("type").asText("");
        checkSeLinux(psc.path("seLinuxOptions"), where + " (pod)", v);
        checkAppArmor(psc.path("appArmorProfile"), where + " (pod)", v);
        if (psc.has("runAsUser") && psc.path("runAsUser").asLong() == 0) {
            v.add("[runAsUser] " + where + ": pod runAsUser 0");
        }
        if (!podSeccomp.isEmpty() && !SECCOMP_OK.contains(podSeccomp)) {
            v.add("[seccomp] " + where + ": pod seccompProfile " + podSeccomp);
        }
        annotations.fields().forEachRemaining(a -> {
            if (a.getKey().startsWith("container.apparmor.security.beta.kubernetes.io/")
                    && !(a.getValue().asText().equals("runtime/default")
                            || a.getValue().asText().startsWith("localhost/"))) {
                v.add("[appArmor] " + where + ": annotation " + a.getKey() + "="
                        + a.getValue().asText());
            }
        });
        List<JsonNode> containers = new ArrayList<>();
        pod.path("initContainers").forEach(containers::add);
        pod.path("containers").forEach(containers::add);
        pod.path("ephemeralContainers").forEach(containers::add);
        if (containers.isEmpty()) {
            v.add("[containers] " + where + ": no containers");
        }
        long ephemeralLimit = 0;
        for (JsonNode c : containers) {
            String cw = where + "/" + c.path("name").asText();
            JsonNode sc = c.path("securityContext");
            if (sc.path("privileged").asBoolean(false)) {
                v.add("[privileged] " + cw + ": privileged container");
            }
            if (sc.path("windowsOptions").path("hostProcess").asBoolean(false)) {
                v.add("[hostProcess] " + cw + ": windowsOptions.hostProcess");
            }
            for (JsonNode p : c.path("ports")) {
                if (p.path("hostPort").asInt(0) != 0) {
                    v.add("[hostPort] " + cw + ": hostPort "
                            + p.path("hostPort").asInt());
                }
            }
            if (!sc.path("allowPrivilegeEscalation").isBoolean()
                    || sc.path("allowPrivilegeEscalation").asBoolean()) {
                v.add("[allowPrivilegeEscalation] " + cw + ": must be false, is "
                        + sc.path("allowPrivilegeEscalation"));
            }
            JsonNode nonRoot = sc.path("runAsNonRoot");
            if (nonRoot.isBoolean() ? !nonRoot.asBoolean() : !podNonRoot) {
                v.add("[runAsNonRoot] " + cw + ": runAsNonRoot must be true (pod or container)");
            }
            if (sc.has("runAsUser") && sc.path("runAsUser").asLong() == 0) {
                v.add("[runAsUser] " + cw + ": runAsUser 0");
            }
            String seccomp = sc.path("seccompProfile").path("type").asText("");
            if (seccomp.isEmpty() ? !SECCOMP_OK.contains(podSeccomp) : !SECCOMP_OK.contains(seccomp)) {
                v.add("[seccomp] " + cw + ": seccompProfile must be RuntimeDefault or Localhost (pod or container),"
                        + " is " + (seccomp.isEmpty() ? "'" + podSeccomp + "' (pod)" : seccomp));
            }
            JsonNode caps = sc.path("capabilities");
            boolean dropsAll = false;
            for (JsonNode d : caps.path("drop")) {
                dropsAll |= d.asText().equals("ALL");
            }
            if (!dropsAll) {
                v.add("[capabilities.drop] " + cw + ": capabilities must drop ALL, drops " + caps.path("drop"));
            }
            for (JsonNode a : caps.path("add")) {
                if (!a.asText().equals("NET_BIND_SERVICE")) {
                    v.add("[capabilities.add] " + cw + ": adds " + a.asText() + " (only NET_BIND_SERVICE is allowed)");
                }
            }
            String proc = sc.path("procMount").asText("Default");
            if (!proc.equals("Default")) {
                v.add("[procMount] " + cw + ": procMount " + proc);
            }
            checkSeLinux(sc.path("seLinuxOptions"), cw, v);
            checkAppArmor(sc.path("appArmorProfile"), cw, v);
            if (!sc.path("readOnlyRootFilesystem").asBoolean(false)) {
                v.add("[readOnlyRootFilesystem] " + cw + ": the root filesystem must be read-only");
            }
            String eph =
                    c.path("resources").path("limits").path("ephemeral-storage").asText("");
            ephemeralLimit += eph.isEmpty() ? 0 : Quantity.bytes(eph);
        }
        if (scope == Scope.FULL) {
            long emptyDirs = 0;
            for (JsonNode vol : pod.path("volumes")) {
                if (vol.has("emptyDir")) {
                    String size = vol.path("emptyDir").path("sizeLimit").asText("");
                    if (size.isEmpty()) {
                        v.add("[emptyDir.sizeLimit] " + where + ": emptyDir "
                                + vol.path("name").asText() + " has no sizeLimit");
                    } else {
                        emptyDirs += Quantity.bytes(size);
                    }
                }
            }
            if (emptyDirs > ephemeralLimit) {
                v.add("[ephemeral-storage] " + where + ": emptyDirs of " + (emptyDirs >> 20)
                        + " MiB exceed the containers' ephemeral-storage limits of " + (ephemeralLimit >> 20) + " MiB");
            }
            if (pod.path("automountServiceAccountToken").asBoolean(true)) {
                v.add("[automountServiceAccountToken] " + where + ": mounts a service account token it never uses");
            }
        }
        return v;
    }

    private static void checkSeLinux(JsonNode se, String where, List<String> v) {
        if (se.isMissingNode()) {
            return;
        }
        String type = se.path("type").asText("");
        if (!type.isEmpty() && !SELINUX_TYPES.contains(type)) {
            v.add("[seLinux] " + where + ": seLinuxOptions.type " + type);
        }
        if (!se.path("user").asText("").isEmpty() || !se.path("role").asText("").isEmpty()) {
            v.add("[seLinux] " + where + ": seLinuxOptions.user / role must be unset");
        }
    }

    private static void checkAppArmor(JsonNode aa, String where, List<String> v) {
        String type = aa.path("type").asText("");
        if (!type.isEmpty() && !type.equals("RuntimeDefault") && !type.equals("Localhost")) {
            v.add("[appArmor] " + where + ": appArmorProfile " + type);
        }
    }

    /** Kubernetes resource quantities (Ki, Mi, Gi, Ti, k, M, G, T, plain bytes). */
    static final class Quantity {
        private Quantity() {}

        static long bytes(String q) {
            java.util.regex.Matcher m = java.util.regex.Pattern.compile("(\\d+(?:\\.\\d+)?)([KMGT]i?|k)?")
                    .matcher(q.trim());
            if (!m.matches()) {
                throw new AssertionError("not a quantity: " + q);
            }
            double n = Double.parseDouble(m.group(1));
            String unit = m.group(2) == null ? "" : m.group(2);
            double f = switch (unit) {
                case "Ki" -> 1L << 10;
                case "Mi" -> 1L << 20;
                case "Gi" -> 1L << 30;
                case "Ti" -> 1L << 40;
                case "k", "K" -> 1e3;
                case "M" -> 1e6;
                case "G" -> 1e9;
                case "T" -> 1e12;
                default -> 1;
            };
            return (long) (n * f);
        }
    }
}
