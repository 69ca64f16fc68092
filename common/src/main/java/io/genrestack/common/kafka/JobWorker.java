package io.genrestack.common.kafka;

import io.genrestack.common.Topics;
import io.genrestack.common.model.RunEvent;
import io.genrestack.common.model.StageJob;
import io.genrestack.common.serde.Json;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.jboss.logging.Logger;

import java.time.Duration;
import java.util.Collection;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Runs a stage's jobs from {@code <stage>-jobs} as a member of consumer group {@code genrestack-<stage>}.
 *
 * <p>
 * Long work never runs inside the poll loop: the worker pauses its partitions, hands the job to a worker thread and
 * keeps polling (so the consumer stays in the group however long training takes), commits the job's offset only
 * after the job has finished, then resumes. A killed instance therefore leaves its job uncommitted and another (or the
 * restarted) instance takes it over; handlers are idempotent (exactly-once output via {@link ExactlyOnceWriter},
 * deterministic object keys). A job that fails {@code maxAttempts} times is reported as {@code stage-failed} on
 * {@code run-events} and skipped, so one bad run cannot block the queue.
 */
public final class JobWorker implements AutoCloseable {
    private static final Logger LOG = Logger.getLogger(JobWorker.class);

    /** The stage's work. Throwing means the attempt failed. */
    @FunctionalInterface
    public interface Handler {
        void handle(StageJob job) throws Exception;
    }

    private final String bootstrap;
    private final String stage;
    private final Handler handler;
    private final int maxAttempts;
    private final int sessionTimeoutMs;
    private final EventPublisher events;
    private final ExecutorService work;
    private final Thread pollThread;
    private volatile boolean running = true;
    private volatile boolean connected;
    private final AtomicReference<String> currentJob = new AtomicReference<>();
    private final AtomicReference<String> lastError = new AtomicReference<>();
    private final AtomicLong completed = new AtomicLong();
    private final AtomicLong failed = new AtomicLong();
    private KafkaConsumer<String, byte[]> consumer;

    public JobWorker(String bootstrap, String stage, Handler handler, int maxAttempts, EventPublisher events) {
        this(bootstrap, stage, handler, maxAttempts, events, KafkaClients.DEFAULT_SESSION_TIMEOUT_MS);
    }

    /**
     * @param sessionTimeoutMs the job consumer's group session timeout: how long a killed instance keeps its job
     *                         partitions before the group gives them (and the uncommitted job) to another member
     */
    public JobWorker(
            String bootstrap,
            String stage,
            Handler handler,
            int maxAttempts,
            EventPublisher events,
            int sessionTimeoutMs) {
        this.sessionTimeoutMs = sessionTimeoutMs;
        this.bootstrap = bootstrap;
        this.stage = stage;
        this.handler = handler;
        this.maxAttempts = Math.max(1, maxAttempts);
        this.events = events;
        this.work = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, stage + "-job");
            t.setDaemon(true);
            return t;
        });
        this.pollThread = new Thread(this::loop, stage + "-jobs-poller");
        this.pollThread.setDaemon(true);
    }

    public JobWorker start() {
        pollThread.start();
        return this;
    }

    /** True once the consumer has joined its group; false after a Kafka outage until it polls again. */
    public boolean isConnected() {
        return connected;
    }

    public String currentJob() {
        return currentJob.get();
    }

    public String lastError() {
        return lastError.get();
    }

    public long completedJobs() {
        return completed.get();
    }

    public long failedJobs() {
        return failed.get();
    }

    private void loop() {
        String topic = Topics.jobs(stage);
        while (running) {
            try (KafkaConsumer<String, byte[]> c =
                    KafkaClients.groupConsumer(bootstrap, "genrestack-" + stage, stage + "-worker", sessionTimeoutMs)) {
                consumer = c;
                c.subscribe(java.util.List.of(topic), new ConsumerRebalanceListener() {
                    @Override
                    public void onPartitionsRevoked(Collection<TopicPartition> partitions) {}

                    @Override
                    public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
                        connected = true;
                        if (currentJob.get() != null) {
                            c.pause(partitions);
                        }
                    }
                });
                while (running) {
                    ConsumerRecords<String, byte[]> records = c.poll(Duration.ofMillis(500));
                    connected = true;
                    for (ConsumerRecord<String, byte[]> r : records) {
                        process(c, r);
                        if (!running) {
                            break;
                        }
                    }
                }
            } catch (WakeupException e) {
                // closing
            } catch (Exception e) {
                connected = false;
                lastError.set(e.toString());
                LOG.errorf(e, "%s job consumer failed; reconnecting in 2 s", stage);
                sleep(2000);
            }
        }
    }

    private void process(KafkaConsumer<String, byte[]> c, ConsumerRecord<String, byte[]> r) {
        TopicPartition tp = new TopicPartition(r.topic(), r.partition());
        StageJob job;
        try {
            job = Json.read(r.value(), StageJob.class);
        } catch (Exception e) {
            LOG.errorf("%s: unreadable job at %s@%d skipped: %s", stage, tp, r.offset(), e.getMessage());
            lastError.set("unreadable job: " + e.getMessage());
            c.commitSync(Map.of(tp, new OffsetAndMetadata(r.offset() + 1)));
            return;
        }
        c.pause(c.assignment());
        currentJob.set(job.key());
        boolean ok = false;
        for (int attempt = 1; attempt <= maxAttempts && running; attempt++) {
            final StageJob j = job;
            Future<?> f = work.submit(() -> {
                handler.handle(j);
                return null;
            });
            try {
                while (!f.isDone()) {
                    c.poll(Duration.ofMillis(200)); // keeps group membership; partitions are paused
                    if (!running) {
                        f.cancel(true);
                        return; // not committed: another instance redoes the job
                    }
                    try {
                        f.get(200, java.util.concurrent.TimeUnit.MILLISECONDS);
                    } catch (java.util.concurrent.TimeoutException ignored) {
                        // still working
                    }
                }
                f.get();
                ok = true;
                break;
            } catch (java.util.concurrent.ExecutionException e) {
                Throwable cause = e.getCause();
                lastError.set(job.key() + ": " + cause);
                LOG.errorf(cause, "%s job %s failed (attempt %d/%d)", stage, job.key(), attempt, maxAttempts);
                if (attempt < maxAttempts) {
                    sleepPolling(c, 2000L * attempt);
                } else {
                    events.publish(RunEvent.of(
                            job.runId(),
                            RunEvent.STAGE_FAILED,
                            stage,
                            job.unit(),
                            stage + " failed on " + job.unit() + " after " + maxAttempts + " attempts: " + cause,
                            null,
                            null));
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
        if (!ok && !running) {
            // stopped while the job failed (e.g. interrupted by close()): not committed, another instance redoes it
            return;
        }
        if (ok) {
            completed.incrementAndGet();
        } else {
            failed.incrementAndGet();
        }
        c.commitSync(Map.of(tp, new OffsetAndMetadata(r.offset() + 1)));
        if (c.assignment().contains(tp)) {
            // after a rebalance during the job (e.g. a broker restart) the fetch position went back to the last
            // commit; without this the finished job would be fetched and redone (a no-op, but a wasted attempt)
            c.seek(tp, r.offset() + 1);
        }
        currentJob.set(null);
        c.resume(c.assignment());
    }

    private void sleepPolling(KafkaConsumer<String, byte[]> c, long millis) {
        long until = System.currentTimeMillis() + millis;
        while (running && System.currentTimeMillis() < until) {
            c.poll(Duration.ofMillis(200));
        }
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void close() {
        running = false;
        KafkaConsumer<String, byte[]> c = consumer;
        if (c != null) {
            c.wakeup();
        }
        work.shutdownNow();
        try {
            pollThread.join(10_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Publishes a job for a stage to its home partition ({@link JobRouting#homePartition}). */
    public static StageJob submit(EventPublisher publisher, StageJob job) {
        publisher.send(Topics.jobs(job.stage()), JobRouting.homePartition(job), job.key(), Json.bytes(job));
        return job;
    }
}
