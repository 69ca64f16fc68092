package io.genrestack.common.kafka;

import io.genrestack.common.Topics;
import io.genrestack.common.model.RunConfig;
import io.genrestack.common.model.RunEvent;
import io.genrestack.common.model.StageJob;
import io.genrestack.testkit.LocalInfra;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Jobs run off the poll loop, are committed after completion, retried, and reported when they keep failing. */
class JobWorkerTest {
    static String bootstrap;

    @BeforeAll
    static void infra() {
        bootstrap = LocalInfra.ensureStarted().kafkaBootstrap();
        TopicAdmin.ensureTopics(bootstrap, 3, (short) 1);
    }

    @Test
    void runsJobsRetriesAndReportsFailures() throws Exception {
        String run = "jobs-" + UUID.randomUUID();
        String stage = Topics.STAGE_EVALUATOR;
        List<String> done = new CopyOnWriteArrayList<>();
        AtomicInteger flakyAttempts = new AtomicInteger();
        try (EventPublisher pub = new EventPublisher(bootstrap, "job-test")) {
            // skip older test jobs left in the topic by earlier runs of this test
            JobWorker.Handler handler = job -> {
                if (!job.runId().equals(run)) {
                    return;
                }
                if (job.unit().equals("flaky") && flakyAttempts.incrementAndGet() < 2) {
                    throw new IllegalStateException("transient");
                }
                if (job.unit().equals("broken")) {
                    throw new IllegalArgumentException("always broken");
                }
                Thread.sleep(300);
                done.add(job.unit());
            };
            RunConfig cfg = RunConfig.defaults(List.of(), List.of());
            for (String unit : List.of("a", "flaky", "broken", "b")) {
                JobWorker.submit(pub, StageJob.of(run, stage, unit, cfg, Map.of(), Map.of()));
            }
            try (JobWorker w = new JobWorker(bootstrap, stage, handler, 2, pub).start()) {
                long deadline = System.currentTimeMillis() + 60_000;
                while (done.size() < 3 && System.currentTimeMillis() < deadline) {
                    Thread.sleep(100);
                }
                assertEquals(List.of("a", "flaky", "b"), done);
                assertEquals(2, flakyAttempts.get());
                assertTrue(w.lastError().contains("always broken"), w.lastError());
            }
        }
        // the broken job was reported on run-events
        List<RunEvent> failures = TopicScan.runEvents(bootstrap, run).stream()
                .filter(e -> e.type().equals(RunEvent.STAGE_FAILED))
                .toList();
        assertEquals(1, failures.size());
        assertEquals("broken", failures.get(0).unit());
        // committed: a new worker in the same group receives none of these jobs again
        List<StageJob> again = new CopyOnWriteArrayList<>();
        try (EventPublisher pub = new EventPublisher(bootstrap, "job-test-2");
                JobWorker w2 = new JobWorker(
                                bootstrap,
                                stage,
                                job -> {
                                    if (job.runId().equals(run)) {
                                        again.add(job);
                                    }
                                },
                                1,
                                pub)
                        .start()) {
            Thread.sleep(4000);
        }
        assertEquals(List.of(), again);
    }

    /**
     * A worker closed while its job is running (the job interrupted, failing because of it) leaves the job
     * uncommitted: the next member of the group runs it. Repeated, because where the worker's poll thread is at the
     * moment of the close decides which path it takes.
     */
    @Test
    void aJobInterruptedByClosingTheWorkerIsLeftForTheNextMember() throws Exception {
        String stage = Topics.STAGE_STACKER;
        RunConfig cfg = RunConfig.defaults(List.of(), List.of());
        for (int round = 0; round < 4; round++) {
            String run = "stop-" + UUID.randomUUID();
            java.util.concurrent.CountDownLatch started = new java.util.concurrent.CountDownLatch(1);
            try (EventPublisher pub = new EventPublisher(bootstrap, "job-stop-test")) {
                JobWorker.submit(pub, StageJob.of(run, stage, "long", cfg, Map.of(), Map.of()));
                JobWorker first = new JobWorker(
                                bootstrap,
                                stage,
                                job -> {
                                    if (job.runId().equals(run)) {
                                        started.countDown();
                                        Thread.sleep(60_000); // interrupted by close(): the attempt fails
                                    }
                                },
                                3,
                                pub)
                        .start();
                try {
                    assertTrue(started.await(60, java.util.concurrent.TimeUnit.SECONDS), "first worker started");
                    Thread.sleep(100L * round); // the poll thread somewhere else each round
                } finally {
                    first.close();
                }
                List<String> again = new CopyOnWriteArrayList<>();
                try (JobWorker next = new JobWorker(
                                bootstrap,
                                stage,
                                job -> {
                                    if (job.runId().equals(run)) {
                                        again.add(job.unit());
                                    }
                                },
                                1,
                                pub)
                        .start()) {
                    long deadline = System.currentTimeMillis() + 60_000;
                    while (again.isEmpty() && System.currentTimeMillis() < deadline) {
                        Thread.sleep(100);
                    }
                }
                assertEquals(List.of("long"), again, "round " + round + ": the job ran again on the next member");
            }
        }
    }
}
