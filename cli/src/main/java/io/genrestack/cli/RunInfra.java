package io.genrestack.cli;

import io.genrestack.common.kafka.KafkaSecurity;
import io.genrestack.testkit.InfraScript;
import io.genrestack.testkit.LocalInfra;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

import static io.genrestack.cli.RunLog.log;

/**
 * The local Kafka and S3 servers of a run, through {@code scripts/local-infra.sh} (run and parsed by testkit's
 * {@link InfraScript} and {@link LocalInfra}, the one copy of that logic): started unless already running, their
 * addresses read from the script's {@code env}, and stopped again only when this run started them.
 */
final class RunInfra {
    private final Path repo;
    private final Map<String, String> env;
    private boolean startedHere;

    private RunInfra(Path repo, Map<String, String> env, boolean startedHere) {
        this.repo = repo;
        this.env = env;
        this.startedHere = startedHere;
        // a secure pair (local-infra.sh start --secure): this JVM's clients of it use its TLS/SASL settings
        if (env.get(LocalInfra.KAFKA_BOOTSTRAP) != null) {
            KafkaSecurity.register(env.get(LocalInfra.KAFKA_BOOTSTRAP), KafkaSecurity.fromConfig(env));
        }
    }

    /** Servers that are already up: {@code env} holds their {@code GENRESTACK_*} addresses; never stopped here. */
    static RunInfra given(Path repo, Map<String, String> env) {
        return new RunInfra(repo, Map.copyOf(env), false);
    }

    /**
     * Starts the servers when they are not running, and reads their addresses. With
     * {@code GENRESTACK_INFRA_SECURE=true} in the environment the script starts (or expects) the secure pair.
     */
    static RunInfra start(Path repo) throws Exception {
        boolean running = InfraScript.run(repo, Map.of(), Duration.ofSeconds(60), "status")
                .ok();
        if (InfraScript.runInConsole(repo, "start") != 0) {
            throw new IllegalStateException(InfraScript.SCRIPT + " start failed");
        }
        InfraScript.Result printed = InfraScript.run(repo, Map.of(), Duration.ofSeconds(60), "env");
        Map<String, String> env = LocalInfra.parseEnv(printed.output());
        RunInfra infra = new RunInfra(repo, env, !running);
        if (!env.containsKey(LocalInfra.KAFKA_BOOTSTRAP)) {
            infra.stop();
            throw new IllegalStateException("local-infra.sh env printed no Kafka address: " + printed.output());
        }
        return infra;
    }

    /**
     * The {@code GENRESTACK_KAFKA_BOOTSTRAP} and {@code GENRESTACK_S3_*} variables; for a secure pair also the
     * {@code KAFKA_*} client settings, {@code GENRESTACK_KAFKA_USERNAME} / {@code _PASSWORD} and
     * {@code GENRESTACK_S3_CA_FILE}.
     */
    Map<String, String> env() {
        return env;
    }

    String kafkaBootstrap() {
        return env.get(LocalInfra.KAFKA_BOOTSTRAP);
    }

    /** Stops the servers if this run started them. */
    synchronized void stop() {
        if (!startedHere) {
            return;
        }
        startedHere = false;
        try {
            InfraScript.runInConsole(repo, "stop");
        } catch (Exception e) {
            System.err.println("could not stop the local infrastructure: " + e);
        }
        log("stopped the local infrastructure");
    }
}
