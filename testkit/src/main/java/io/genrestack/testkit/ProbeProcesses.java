package io.genrestack.testkit;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ConsumerGroupDescription;
import org.apache.kafka.clients.admin.MemberDescription;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.TimeUnit;

/**
 * For tests that run a second service instance in its own JVM (a probe: {@code ExtractorInstanceProbe},
 * {@code StackerInstanceProbe}) beside the service under test: wait for the probe's ready line, wait for a job
 * consumer group to have its members, and show the end of a probe's log in a failure.
 */
public final class ProbeProcesses {
    private ProbeProcesses() {}

    /** Waits (120 s) until {@code log} holds {@code line}; fails at once, with the log's end, if the probe exits. */
    public static void awaitLine(Process probe, Path log, String line) throws Exception {
        long deadline = System.currentTimeMillis() + 120_000;
        while (System.currentTimeMillis() < deadline) {
            if (Files.exists(log) && Files.readString(log).contains(line)) {
                return;
            }
            if (!probe.isAlive()) {
                throw new AssertionError("second instance exited " + probe.exitValue() + ":\n" + tail(log));
            }
            Thread.sleep(200);
        }
        throw new AssertionError("second instance not ready within 120 s (no '" + line + "'):\n" + tail(log));
    }

    /**
     * Waits (120 s) until consumer group {@code group} has {@code n} members, each holding partitions.
     *
     * @param admin the admin client's configuration (the project's {@code KafkaClients.base})
     */
    public static void awaitMembers(Properties admin, String group, int n) throws Exception {
        long deadline = System.currentTimeMillis() + 120_000;
        try (Admin client = Admin.create(admin)) {
            while (System.currentTimeMillis() < deadline) {
                ConsumerGroupDescription d = client.describeConsumerGroups(List.of(group))
                        .all()
                        .get(10, TimeUnit.SECONDS)
                        .get(group);
                long holding = d.members().stream()
                        .map(MemberDescription::assignment)
                        .filter(a -> !a.topicPartitions().isEmpty())
                        .count();
                if (d.members().size() == n && holding == n) {
                    return;
                }
                Thread.sleep(500);
            }
        }
        throw new AssertionError("group " + group + " did not reach " + n + " members holding partitions");
    }

    /** The last 6 000 characters of a probe's log. */
    public static String tail(Path log) {
        try {
            String s = Files.readString(log, StandardCharsets.UTF_8);
            return s.length() > 6000 ? s.substring(s.length() - 6000) : s;
        } catch (Exception e) {
            return "(no log: " + e + ")";
        }
    }
}
