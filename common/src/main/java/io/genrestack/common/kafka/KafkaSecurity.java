package io.genrestack.common.kafka;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The one place that turns configuration into the Kafka client's security properties (TLS, SASL), for every client
 * GenreStack builds ({@link KafkaClients}: producers, consumers, admin clients of the services, the CLI and tests).
 *
 * <p>Keys follow the Kafka client's own names under the {@code kafka.} prefix, as Quarkus does for its channels:
 * {@code kafka.security.protocol}, {@code kafka.sasl.mechanism}, {@code kafka.sasl.jaas.config},
 * {@code kafka.ssl.truststore.location}, {@code kafka.ssl.truststore.password}, {@code kafka.ssl.truststore.type}
 * (and any other {@code kafka.security.*}, {@code kafka.sasl.*}, {@code kafka.ssl.*} key, e.g. a keystore for mutual
 * TLS); as environment variables {@code KAFKA_SECURITY_PROTOCOL}, {@code KAFKA_SSL_TRUSTSTORE_LOCATION}, ... A PEM
 * truststore ({@code ssl.truststore.type=PEM}, a CA certificate file such as Strimzi's {@code ca.crt}) needs no
 * password. Convenience: without {@code kafka.sasl.jaas.config}, {@code genrestack.kafka.username} and
 * {@code genrestack.kafka.password} ({@code GENRESTACK_KAFKA_USERNAME}, {@code GENRESTACK_KAFKA_PASSWORD}) give the
 * SCRAM login line, and the mechanism defaults to {@code SCRAM-SHA-512}. Blank values count as unset.
 *
 * <p>Settings belong to a cluster: {@link #register} ties them to a bootstrap address (a service's
 * {@code Infrastructure}, the CLI's run, a test's secure broker); any other address gets the settings of this
 * process's environment and system properties ({@link #fromEnvironment()}). Never log the map itself:
 * {@link #describe} hides the credentials.
 */
public final class KafkaSecurity {
    /** Prefixes (after {@code kafka.}) of the client keys this class carries. */
    static final List<String> PREFIXES = List.of("security.", "sasl.", "ssl.");

    public static final String PROTOCOL = "security.protocol";
    public static final String MECHANISM = "sasl.mechanism";
    public static final String JAAS = "sasl.jaas.config";
    public static final String TRUSTSTORE_LOCATION = "ssl.truststore.location";
    public static final String TRUSTSTORE_PASSWORD = "ssl.truststore.password";
    public static final String TRUSTSTORE_TYPE = "ssl.truststore.type";
    public static final String USERNAME = "genrestack.kafka.username";
    public static final String PASSWORD = "genrestack.kafka.password";
    /** The mechanism the username/password convenience uses unless {@code kafka.sasl.mechanism} says otherwise. */
    public static final String DEFAULT_MECHANISM = "SCRAM-SHA-512";

    private static final Map<String, Map<String, String>> BY_BOOTSTRAP = new ConcurrentHashMap<>();
    private static volatile Map<String, String> processDefault;

    private KafkaSecurity() {}

    /**
     * Client properties (Kafka names, without the {@code kafka.} prefix) from configuration entries given either as
     * property names ({@code kafka.ssl.truststore.location}, {@code genrestack.kafka.username}) or as environment
     * variable names ({@code KAFKA_SSL_TRUSTSTORE_LOCATION}, {@code GENRESTACK_KAFKA_USERNAME}); later entries win.
     * Entries that are no security setting are ignored, so a whole environment can be passed.
     *
     * @throws IllegalArgumentException when only one of username and password is set, or SASL credentials are given
     *     without a SASL security protocol
     */
    public static Map<String, String> fromConfig(Map<String, String> entries) {
        Map<String, String> props = new TreeMap<>();
        String user = null;
        String password = null;
        for (Map.Entry<String, String> e : entries.entrySet()) {
            if (e.getKey() == null || e.getValue() == null || e.getValue().isBlank()) {
                continue;
            }
            String name = e.getKey().toLowerCase(Locale.ROOT).replace('_', '.');
            String value = e.getValue().strip();
            if (name.equals(USERNAME)) {
                user = value;
            } else if (name.equals(PASSWORD)) {
                password = e.getValue(); // a password may end in blanks
            } else if (name.startsWith("kafka.")) {
                String key = name.substring("kafka.".length());
                if (PREFIXES.stream().anyMatch(key::startsWith)) {
                    props.put(key, value);
                }
            }
        }
        if ((user == null) != (password == null)) {
            throw new IllegalArgumentException((user == null
                            ? "GENRESTACK_KAFKA_PASSWORD is set but GENRESTACK_KAFKA_USERNAME is not"
                            : "GENRESTACK_KAFKA_USERNAME is set but GENRESTACK_KAFKA_PASSWORD is not")
                    + " (genrestack.kafka.username / genrestack.kafka.password)");
        }
        if (user != null && !props.containsKey(JAAS)) {
            props.putIfAbsent(MECHANISM, DEFAULT_MECHANISM);
            props.put(JAAS, scramJaas(user, password));
        }
        if (props.containsKey(JAAS)
                && !props.getOrDefault(PROTOCOL, "").toUpperCase(Locale.ROOT).startsWith("SASL_")) {
            throw new IllegalArgumentException("Kafka SASL credentials are set but the security protocol is "
                    + props.getOrDefault(PROTOCOL, "not")
                    + ": set kafka.security.protocol (KAFKA_SECURITY_PROTOCOL) to SASL_SSL");
        }
        return Map.copyOf(props);
    }

    /** This process's settings: its environment variables, overridden by its system properties. */
    public static Map<String, String> fromEnvironment() {
        Map<String, String> entries = new LinkedHashMap<>(System.getenv());
        System.getProperties().forEach((k, v) -> entries.put(String.valueOf(k), String.valueOf(v)));
        return fromConfig(entries);
    }

    /** The SCRAM login line for {@code sasl.jaas.config}, quotes and backslashes escaped. */
    public static String scramJaas(String user, String password) {
        return "org.apache.kafka.common.security.scram.ScramLoginModule required username=\"" + quote(user)
                + "\" password=\"" + quote(password) + "\";";
    }

    private static String quote(String s) {
        return s.replace("\\", "\\\\").replace("\"", "\\\"");
    }

    /** Ties security settings to a cluster's bootstrap address for every client of this process. */
    public static void register(String bootstrap, Map<String, String> security) {
        BY_BOOTSTRAP.put(bootstrap, Map.copyOf(security));
    }

    /** The settings of clients of {@code bootstrap}: registered ones, else this process's environment. */
    public static Map<String, String> forBootstrap(String bootstrap) {
        Map<String, String> s = bootstrap == null ? null : BY_BOOTSTRAP.get(bootstrap);
        if (s != null) {
            return s;
        }
        Map<String, String> d = processDefault;
        if (d == null) {
            d = fromEnvironment();
            processDefault = d;
        }
        return d;
    }

    /** True for a key whose value is a credential (never logged, never in events or reports). */
    public static boolean isSecret(String key) {
        String k = key.toLowerCase(Locale.ROOT);
        return k.contains("password") || k.contains("jaas") || k.endsWith("keystore.key") || k.contains("secret");
    }

    /** The settings for a log line: credentials shown as {@code [hidden]}; {@code PLAINTEXT} when empty. */
    public static String describe(Map<String, String> security) {
        if (security.isEmpty()) {
            return "PLAINTEXT";
        }
        StringBuilder b = new StringBuilder();
        new TreeMap<>(security).forEach((k, v) -> {
            if (!b.isEmpty()) {
                b.append(", ");
            }
            b.append(k).append('=').append(isSecret(k) ? "[hidden]" : v);
        });
        return b.toString();
    }
}
