package io.genrestack.deploy.checks;

import com.fasterxml.jackson.databind.JsonNode;
import io.genrestack.deploy.checks.Kustomize.Resource;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Kubernetes NetworkPolicy semantics (networking.k8s.io/v1) over the rendered resources of one namespace, enough to
 * answer "may a pod with these labels open a TCP connection to that pod's port?": a pod selected by no policy of a
 * direction is not isolated in it; an isolated pod allows what the union of its policies' rules allows; a
 * connection needs the sender's egress and the receiver's ingress. Peers: podSelector (same namespace),
 * namespaceSelector (with an optional podSelector), ipBlock (only external addresses, never a pod here); a rule
 * without peers matches everyone, a rule without ports every port; named ports resolve against the receiving
 * container's ports.
 */
final class NetworkPolicies {
    /** A pod: its namespace, the namespace's labels, its own labels and named ports. */
    record Pod(
            String namespace,
            Map<String, String> namespaceLabels,
            Map<String, String> labels,
            Map<String, Integer> namedPorts) {
        static Pod of(String namespace, Map<String, String> nsLabels, Map<String, String> labels) {
            return new Pod(namespace, nsLabels, labels, Map.of());
        }
    }

    private final List<JsonNode> policies;
    private final String namespace;

    NetworkPolicies(List<Resource> rendered, String namespace) {
        this.namespace = namespace;
        this.policies = rendered.stream()
                .filter(r -> r.kind().equals("NetworkPolicy"))
                .<JsonNode>map(Resource::doc)
                .toList();
    }

    /** The pod of a workload (Deployment, StatefulSet, Pod) in this namespace. */
    Pod pod(JsonNode workload, Map<String, String> namespaceLabels) {
        JsonNode meta = workload.path("kind").asText().equals("Pod")
                ? workload.path("metadata")
                : workload.path("spec").path("template").path("metadata");
        Map<String, Integer> ports = new TreeMap<>();
        for (JsonNode c : Kustomize.containers(workload)) {
            for (JsonNode p : c.path("ports")) {
                if (p.has("name")) {
                    ports.put(p.path("name").asText(), p.path("containerPort").asInt());
                }
            }
        }
        return new Pod(namespace, namespaceLabels, labels(meta.path("labels")), ports);
    }

    /** The policies that select the pod for a direction ("Ingress" / "Egress"). */
    List<JsonNode> selecting(Pod pod, String direction) {
        List<JsonNode> out = new ArrayList<>();
        for (JsonNode np : policies) {
            if (matches(np.path("spec").path("podSelector"), pod.labels())
                    && types(np).contains(direction)) {
                out.add(np);
            }
        }
        return out;
    }

    /** Whether {@code from} may connect to {@code to} on the TCP port (both directions' policies allow it). */
    boolean allows(Pod from, Pod to, int port) {
        return allowsOneWay(from, to, port, "Egress") && allowsOneWay(to, from, port, "Ingress");
    }

    /**
     * Whether {@code from}'s egress policies let it connect to {@code to} on the port (the receiving side's policies
     * are not rendered here, e.g. those the Strimzi operator makes for its brokers).
     */
    boolean egressAllows(Pod from, Pod to, int port) {
        return allowsOneWay(from, to, port, "Egress");
    }

    /** For Egress: may {@code self} send to {@code other}; for Ingress: may {@code self} receive from it. */
    private boolean allowsOneWay(Pod self, Pod other, int port, String direction) {
        if (!self.namespace().equals(namespace)) {
            return true; // policies of other namespaces are not ours to check
        }
        List<JsonNode> sel = selecting(self, direction);
        if (sel.isEmpty()) {
            return true;
        }
        Pod receiver = direction.equals("Egress") ? other : self;
        for (JsonNode np : sel) {
            for (JsonNode rule : np.path("spec").path(direction.equals("Egress") ? "egress" : "ingress")) {
                JsonNode peers = rule.path(direction.equals("Egress") ? "to" : "from");
                boolean peerOk = peers.isMissingNode() || peers.isEmpty();
                for (JsonNode peer : peers) {
                    peerOk |= peerMatches(peer, other);
                }
                boolean portOk =
                        rule.path("ports").isMissingNode() || rule.path("ports").isEmpty();
                for (JsonNode p : rule.path("ports")) {
                    portOk |= portMatches(p, port, receiver);
                }
                if (peerOk && portOk) {
                    return true;
                }
            }
        }
        return false;
    }

    private boolean peerMatches(JsonNode peer, Pod other) {
        if (peer.has("ipBlock")) {
            return false; // pod addresses are not external
        }
        boolean nsOk = peer.has("namespaceSelector")
                ? matches(peer.path("namespaceSelector"), other.namespaceLabels())
                : other.namespace().equals(namespace);
        boolean podOk = !peer.has("podSelector") || matches(peer.path("podSelector"), other.labels());
        return nsOk && podOk;
    }

    private static boolean portMatches(JsonNode p, int port, Pod receiver) {
        if (!p.path("protocol").asText("TCP").equals("TCP")) {
            return false;
        }
        JsonNode n = p.path("port");
        if (n.isMissingNode()) {
            return true;
        }
        int value;
        if (n.isInt() || n.asText().matches("\\d+")) {
            value = n.asInt();
        } else {
            Integer named = receiver.namedPorts().get(n.asText());
            if (named == null) {
                return false;
            }
            value = named;
        }
        int end = p.path("endPort").asInt(value);
        return port >= value && port <= end;
    }

    /** A policy that denies everything to every pod of the namespace: empty selector, both types, no rules. */
    boolean hasDefaultDeny() {
        for (JsonNode np : policies) {
            JsonNode spec = np.path("spec");
            boolean all = spec.path("podSelector").isEmpty();
            List<String> types = types(np);
            if (all
                    && types.contains("Ingress")
                    && types.contains("Egress")
                    && spec.path("ingress").isEmpty()
                    && spec.path("egress").isEmpty()) {
                return true;
            }
        }
        return false;
    }

    /** Policies (other than a deny-all) that select the pod and allow something to or from it. */
    List<String> allowing(Pod pod) {
        List<String> out = new ArrayList<>();
        for (JsonNode np : policies) {
            if (matches(np.path("spec").path("podSelector"), pod.labels())
                    && (!np.path("spec").path("ingress").isEmpty()
                            || !np.path("spec").path("egress").isEmpty())
                    && !np.path("spec").path("podSelector").isEmpty()) {
                out.add(np.path("metadata").path("name").asText());
            }
        }
        return out;
    }

    private static List<String> types(JsonNode np) {
        List<String> t = new ArrayList<>();
        JsonNode pt = np.path("spec").path("policyTypes");
        if (pt.isMissingNode() || pt.isEmpty()) {
            t.add("Ingress");
            if (np.path("spec").has("egress")) {
                t.add("Egress");
            }
        } else {
            pt.forEach(x -> t.add(x.asText()));
        }
        return t;
    }

    /** A LabelSelector (matchLabels and matchExpressions) against labels; the empty selector matches all. */
    static boolean matches(JsonNode selector, Map<String, String> labels) {
        var ml = selector.path("matchLabels").fields();
        while (ml.hasNext()) {
            var e = ml.next();
            if (!e.getValue().asText().equals(labels.get(e.getKey()))) {
                return false;
            }
        }
        for (JsonNode ex : selector.path("matchExpressions")) {
            String key = ex.path("key").asText();
            List<String> values = new ArrayList<>();
            ex.path("values").forEach(x -> values.add(x.asText()));
            boolean ok = switch (ex.path("operator").asText()) {
                case "In" -> values.contains(labels.get(key));
                case "NotIn" -> !values.contains(labels.get(key));
                case "Exists" -> labels.containsKey(key);
                case "DoesNotExist" -> !labels.containsKey(key);
                default -> throw new AssertionError("unknown selector operator " + ex);
            };
            if (!ok) {
                return false;
            }
        }
        return true;
    }

    static Map<String, String> labels(JsonNode labels) {
        Map<String, String> m = new TreeMap<>();
        labels.fields().forEachRemaining(e -> m.put(e.getKey(), e.getValue().asText()));
        return m;
    }
}
