package io.genrestack.cli;

import io.genrestack.common.Topics;
import io.genrestack.common.kafka.KafkaClients;
import io.genrestack.common.serde.RecordTypes;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

/**
 * {@code genrestack decode TOPIC [--bootstrap HOST:PORT] [--run RUN] [--max N]} prints the records of a topic as
 * readable JSON (vectors expanded to arrays, NaN as "NaN"), from the beginning, committed records only.
 * {@code genrestack decode TOPIC --stdin} decodes record values read one per line from standard input, e.g.
 * {@code kcat -C -b $KAFKA -t track-features -e -f '%s\n' | genrestack decode track-features --stdin}.
 */
@Command(
        name = "decode",
        description = {
            "Print a topic's records as readable JSON (vectors as arrays, NaN as \"NaN\"), from the beginning,"
                    + " committed records only; or decode record values read one per line from stdin (--stdin),"
                    + " e.g. kcat -C -b $KAFKA -t track-features -e -f '%%s\\n' | genrestack decode track-features"
                    + " --stdin"
        },
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {
            "0:records printed (their count on stderr)",
            "1:Kafka not reachable within 15 s",
            "2:usage error (unknown topic or option, malformed value)"
        })
final class DecodeCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Parameters(
            index = "0",
            paramLabel = "TOPIC",
            completionCandidates = TopicNames.class,
            description = "a topic: ${COMPLETION-CANDIDATES}")
    String topic;

    @Option(
            names = "--bootstrap",
            paramLabel = "HOST:PORT",
            description = "Kafka (default: $GENRESTACK_KAFKA_BOOTSTRAP, $KAFKA_BOOTSTRAP_SERVERS or localhost:9092)")
    String bootstrap;

    @Option(names = "--run", paramLabel = "RUN", description = "only records of this run id")
    String runFilter;

    @Option(names = "--max", paramLabel = "N", description = "print at most N records (default: all)")
    long max = Long.MAX_VALUE;

    @Option(names = "--stdin", description = "decode record values read one per line from standard input")
    boolean stdin;

    /** Every topic name, for completion and the help. */
    static final class TopicNames implements Iterable<String> {
        @Override
        public Iterator<String> iterator() {
            return Topics.all().iterator();
        }
    }

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        RecordTypes.forTopic(topic); // validates the topic name
        long printed = 0;
        if (stdin) {
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
        String servers = bootstrap != null
                ? bootstrap
                : Args.env("GENRESTACK_KAFKA_BOOTSTRAP", Args.env("KAFKA_BOOTSTRAP_SERVERS", "localhost:9092"));
        try (KafkaConsumer<String, byte[]> c = KafkaClients.reader(servers, "genrestack-decode")) {
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
                        servers);
                return 1;
            } catch (org.apache.kafka.common.errors.AuthenticationException e) {
                err.printf(
                        "genrestack decode: Kafka at %s refused this client: %s (check KAFKA_SECURITY_PROTOCOL,"
                                + " KAFKA_SASL_*, GENRESTACK_KAFKA_USERNAME/PASSWORD, KAFKA_SSL_TRUSTSTORE_*)%n",
                        servers, e.getMessage());
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
