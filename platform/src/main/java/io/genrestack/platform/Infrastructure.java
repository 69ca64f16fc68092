package io.genrestack.platform;

import io.genrestack.common.kafka.EventPublisher;
import io.genrestack.common.kafka.ExactlyOnceWriter;
import io.genrestack.common.kafka.JobWorker;
import io.genrestack.common.kafka.KafkaClients;
import io.genrestack.common.kafka.KafkaSecurity;
import io.genrestack.common.kafka.TopicAdmin;
import io.genrestack.common.model.Instances;
import io.genrestack.common.storage.ObjectStore;
import io.genrestack.common.storage.StorageConfig;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import jakarta.annotation.PostConstruct;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.inject.Instance;
import jakarta.enterprise.inject.Vetoed;
import jakarta.inject.Inject;
import org.eclipse.microprofile.config.Config;
import org.eclipse.microprofile.config.ConfigProvider;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * The connections every service holds: the Kafka bootstrap address, an {@link ObjectStore}, an
 * {@link EventPublisher}, and the stage's {@link JobWorker}. At start-up a background thread creates the topics and
 * the bucket, retrying with backoff until Kafka and object storage answer (the service reports not-ready meanwhile),
 * then starts the job worker. Start order of Kafka, MinIO and the services therefore does not matter.
 */
@ApplicationScoped
public class Infrastructure {
    private static final Logger LOG = Logger.getLogger(Infrastructure.class);

    @ConfigProperty(name = "kafka.bootstrap.servers")
    String bootstrap;

    // Kafka TLS/SASL (the Kafka client's own names; KAFKA_SECURITY_PROTOCOL, ...): read through KafkaSecurity, which
    // also takes any other kafka.ssl.* / kafka.sasl.* key. Declared here so that deployments may set them.
    @ConfigProperty(name = "kafka.security.protocol")
    Optional<String> securityProtocol;

    @ConfigProperty(name = "kafka.sasl.mechanism")
    Optional<String> saslMechanism;

    @ConfigProperty(name = "kafka.sasl.jaas.config")
    Optional<String> saslJaasConfig;

    @ConfigProperty(name = "kafka.ssl.truststore.location")
    Optional<String> truststoreLocation;

    @ConfigProperty(name = "kafka.ssl.truststore.password")
    Optional<String> truststorePassword;

    @ConfigProperty(name = "kafka.ssl.truststore.type")
    Optional<String> truststoreType;

    /** With {@code genrestack.kafka.password}: the SCRAM login when {@code kafka.sasl.jaas.config} is not set. */
    @ConfigProperty(name = "genrestack.kafka.username")
    Optional<String> kafkaUsername;

    @ConfigProperty(name = "genrestack.kafka.password")
    Optional<String> kafkaPassword;

    @Inject
    S3Settings s3;

    @Inject
    PlatformSettings platform;

    @Inject
    Instance<StageHandler> handlers;

    private volatile ObjectStore store;
    private volatile EventPublisher events;
    private volatile JobWorker worker;
    private volatile boolean initialised;
    private volatile String initError = "starting";
    private Thread initThread;

    /**
     * Registers this service's Kafka security settings for its bootstrap address, so that every client
     * ({@link KafkaClients}) of the stage, the worker and the health checks uses them.
     */
    @PostConstruct
    void configureKafkaSecurity() {
        Map<String, String> entries = new LinkedHashMap<>();
        Config config = ConfigProvider.getConfig();
        for (String name : config.getPropertyNames()) {
            String n = name.toLowerCase(Locale.ROOT).replace('_', '.');
            if (n.startsWith("kafka.sasl.") || n.startsWith("kafka.ssl.") || n.startsWith("kafka.security.")) {
                config.getOptionalValue(n, String.class).ifPresent(v -> entries.put(n, v));
            }
        }
        securityProtocol.ifPresent(v -> entries.put("kafka." + KafkaSecurity.PROTOCOL, v));
        saslMechanism.ifPresent(v -> entries.put("kafka." + KafkaSecurity.MECHANISM, v));
        saslJaasConfig.ifPresent(v -> entries.put("kafka." + KafkaSecurity.JAAS, v));
        truststoreLocation.ifPresent(v -> entries.put("kafka." + KafkaSecurity.TRUSTSTORE_LOCATION, v));
        truststorePassword.ifPresent(v -> entries.put("kafka." + KafkaSecurity.TRUSTSTORE_PASSWORD, v));
        truststoreType.ifPresent(v -> entries.put("kafka." + KafkaSecurity.TRUSTSTORE_TYPE, v));
        kafkaUsername.ifPresent(v -> entries.put(KafkaSecurity.USERNAME, v));
        kafkaPassword.ifPresent(v -> entries.put(KafkaSecurity.PASSWORD, v));
        Map<String, String> security = KafkaSecurity.fromConfig(entries);
        KafkaSecurity.register(bootstrap, security);
        LOG.infof("kafka %s: %s", bootstrap, KafkaSecurity.describe(security));
    }

    void onStart(@Observes StartupEvent ev) {
        ExactlyOnceWriter.chunkPause(platform.chunkPause());
        initThread = new Thread(this::initialise, "genrestack-init");
        initThread.setDaemon(true);
        initThread.start();
    }

    void onStop(@Observes ShutdownEvent ev) {
        if (initThread != null) {
            initThread.interrupt();
        }
        if (worker != null) {
            worker.close();
        }
        if (events != null) {
            events.close();
        }
        if (store != null) {
            store.close();
        }
    }

    private void initialise() {
        long backoff = 500;
        while (!initialised && !Thread.currentThread().isInterrupted()) {
            try {
                TopicAdmin.ensureTopics(bootstrap, platform.topicPartitions(), platform.topicReplication());
                store().ensureBucket();
                initialised = true;
                initError = null;
                LOG.infof(
                        "infrastructure ready: kafka=%s, s3=%s bucket=%s, instance=%s",
                        bootstrap, s3.endpoint(), s3.bucket(), Instances.id());
            } catch (Exception e) {
                initError = e.getMessage();
                LOG.warnf("waiting for infrastructure (retry in %d ms): %s", backoff, e.getMessage());
                try {
                    Thread.sleep(backoff);
                } catch (InterruptedException ie) {
                    return;
                }
                backoff = Math.min(backoff * 2, 10_000);
            }
        }
        if (initialised && platform.workerEnabled() && handlers.isResolvable()) {
            StageHandler h = handlers.get();
            worker = new JobWorker(bootstrap, h.stage(), h::handle, platform.jobMaxAttempts(), events(), (int)
                            platform.groupSessionTimeout().toMillis())
                    .start();
            LOG.infof("%s job worker started", h.stage());
        }
    }

    public String bootstrap() {
        return bootstrap;
    }

    public synchronized ObjectStore store() {
        if (store == null) {
            String access = s3.accessKey()
                    .orElseThrow(() -> new IllegalStateException(
                            "genrestack.s3.access-key is not set (env GENRESTACK_S3_ACCESS_KEY)"));
            String secret = s3.secretKey()
                    .orElseThrow(() -> new IllegalStateException(
                            "genrestack.s3.secret-key is not set (env GENRESTACK_S3_SECRET_KEY)"));
            store = new ObjectStore(new StorageConfig(
                    s3.endpoint(),
                    access,
                    secret,
                    s3.bucket(),
                    s3.region(),
                    s3.maxAttempts(),
                    250,
                    s3.caFile().orElse(null)));
        }
        return store;
    }

    public synchronized EventPublisher events() {
        if (events == null) {
            events = new EventPublisher(bootstrap, "genrestack-events-" + Instances.id());
        }
        return events;
    }

    public Path workDir() {
        return Path.of(platform.workDir());
    }

    public boolean initialised() {
        return initialised;
    }

    public String initError() {
        return initError;
    }

    public JobWorker worker() {
        return worker;
    }

    public boolean workerExpected() {
        return platform.workerEnabled() && handlers.isResolvable();
    }

    /** A quick broker round trip (describeCluster within 3 s). */
    public boolean kafkaReachable() {
        return KafkaClients.clusterAnswers(bootstrap, "genrestack-health", 3000);
    }

    /**
     * Given connections instead of configured ones, for a stage run outside Quarkus: a second service instance in its
     * own JVM (the extractor's and the stacker's instance tests), with no topic creation, health or job worker of its
     * own.
     */
    @Vetoed
    public static final class Given extends Infrastructure {
        private final String givenBootstrap;
        private final ObjectStore givenStore;
        private final EventPublisher givenEvents;
        private final Path givenWorkDir;

        public Given(String bootstrap, ObjectStore store, EventPublisher events, Path workDir) {
            this.givenBootstrap = bootstrap;
            this.givenStore = store;
            this.givenEvents = events;
            this.givenWorkDir = workDir;
        }

        @Override
        public String bootstrap() {
            return givenBootstrap;
        }

        @Override
        public ObjectStore store() {
            return givenStore;
        }

        @Override
        public EventPublisher events() {
            return givenEvents;
        }

        @Override
        public Path workDir() {
            return givenWorkDir;
        }
    }
}
