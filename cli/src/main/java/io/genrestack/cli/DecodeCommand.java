package io.genrestack.cli;

import io.genrestack.common.kafka.KafkaClients;
import io.genrestack.common.serde.RecordTypes;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * {@code genrestack decode TOPIC [--bootstrap HOST:PORT] [--run RUN] [--max N]} prints the records of a topic as
 * readable JSON (vectors expanded to arrays, NaN as "NaN"), from the beginning, committed records only.
 * {@code genrestack decode TOPIC --stdin} decodes record values read one per line from standard input, e.g.
 * {@code kcat -C -b $KAFKA -t track-features -e -f '%s\n' | genrestack decode track-features --stdin}.
 */
final class DecodeCommand {
    private DecodeCommand() {}

    static int run(List<String> args, PrintStream out, PrintStream err) throws Exception {
        Map<String, String> opts = Args.options(args, List.of("--bootstrap", "--run", "--max"), List.of("--stdin"));
        List<String> pos = Args.positional(args, List.of("--bootstrap", "--run", "--max"));
        if (pos.size() != 1) {
            err.println("usage: genrestack decode TOPIC [--bootstrap HOST:PORT] [--run RUN] [--max N] | --stdin");
            return 2;
        }
        String topic = pos.get(0);
        RecordTypes.forTopic(topic); // validates the topic name
        String runFilter = opts.get("--run");
        long max = Long.parseLong(opts.getOrDefault("--max", String.valueOf(Long.MAX_VALUE)));
        long printed = 0;
        if (opts.containsKey("--stdin")) {
            BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
            String line;
            while ((line = in.readLine()) != null && printed < max) {
                if (line.isBlank()) {
                    continue;
                }
                out.println(RecordTypes.toReadableJson(topic, line.getBytes(StandardCharsets.UTF_8)));
                printed++;
            }
            return 0;
        }
        String bootstrap = opts.getOrDefault(
                "--bootstrap",
                Args.env("GENRESTACK_KAFKA_BOOTSTRAP", Args.env("KAFKA_BOOTSTRAP_SERVERS", "localhost:9092")));
        try (KafkaConsumer<String, byte[]> c = KafkaClients.reader(bootstrap, "genrestack-decode")) {
            List<TopicPartition> parts = new ArrayList<>();
            try {
                c.partitionsFor(topic, Duration.ofSeconds(15))
                        .forEach(p -> parts.add(new TopicPartition(topic, p.partition())));
            } catch (org.apache.kafka.common.errors.TimeoutException e) {
                err.printf(
                        "genrestack decode: no answer from Kafka at %s within 15 s (set --bootstrap HOST:PORT or"
                                + " GENRESTACK_KAFKA_BOOTSTRAP; `scripts/local-infra.sh env` prints the local one;"
                                + " a TLS/SASL cluster also needs KAFKA_SECURITY_PROTOCOL and the rest of"
                                + " docs/configuration.md)%n",
                        bootstrap);
                return 1;
            } catch (org.apache.kafka.common.errors.AuthenticationException e) {
                err.printf(
                        "genrestack decode: Kafka at %s refused this client: %s (check KAFKA_SECURITY_PROTOCOL,"
                                + " KAFKA_SASL_*, GENRESTACK_KAFKA_USERNAME/PASSWORD, KAFKA_SSL_TRUSTSTORE_*)%n",
                        bootstrap, e.getMessage());
                return 1;
            }
            c.assign(parts);
            c.seekToBeginning(parts);
            Map<TopicPartition, Long> end = c.endOffsets(parts);
            while (printed < max && parts.stream().anyMatch(tp -> c.position(tp) < end.get(tp))) {
                for (var r : c.poll(Duration.ofMillis(500))) {
                    if (printed >= max) {
                        break;
                    }
                    String json;
                    try {
                        json = RecordTypes.toReadableJson(topic, r.value());
                    } catch (IllegalArgumentException e) {
                        err.printf(
                                "%s-%d@%d key=%s: undecodable: %s%n",
                                r.topic(), r.partition(), r.offset(), r.key(), e.getMessage());
                        continue;
                    }
                    if (runFilter != null && !json.contains("\"runId\" : \"" + runFilter + "\"")) {
                        continue;
                    }
                    out.printf("# %s-%d@%d key=%s%n%s%n", r.topic(), r.partition(), r.offset(), r.key(), json);
                    printed++;
                }
            }
        }
        err.printf("%d record(s)%n", printed);
        return 0;
    }
}
