package io.genrestack.common.io;

import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * Runs the items of a source through workers and hands their results to a sink in the source's order, on the calling
 * thread: the extractor's parse-and-flatten on all cores with one publishing thread (and its benchmark).
 *
 * <p>With {@code threads <= 1} everything runs on the calling thread, one item after the other (the reference). With
 * more, a reader thread runs the source; each {@link Step} it emits is either a result known at once or work that one
 * of {@code threads} workers does; the futures go, in emission order, into a queue of {@code window} slots that the
 * calling thread drains in that order, so the sink sees exactly the sequence it sees with one thread. The queue bounds
 * the items alive at once to {@code window + 2} (the queue, the one the reader is emitting, the one the sink holds).
 *
 * <p>An exception of the source, of a worker or of the sink ends the run and is rethrown on the calling thread (a
 * worker's exception when the sink reaches its item, as one thread would have thrown it there); the reader stops at
 * its next emission and the workers are shut down before {@link #run} returns.
 */
public final class OrderedPipeline {
    /** What the source makes of one item: a result known at once ({@code work} null), or work for a worker. */
    public record Step<R>(R value, Supplier<R> work) {
        public static <R> Step<R> done(R value) {
            return new Step<>(value, null);
        }

        public static <R> Step<R> work(Supplier<R> work) {
            return new Step<>(null, work);
        }
    }

    /** Emits every item of the input, in order, as a {@link Step} (runs on the reader thread when threads > 1). */
    @FunctionalInterface
    public interface Source<R> {
        void emit(Consumer<Step<R>> out);
    }

    private static final Object END = new Object();
    private static final AtomicInteger RUNS = new AtomicInteger();

    private record Failure(Throwable error) {}

    /** The reader was told to stop because the sink side ended. */
    private static final class Stopped extends RuntimeException {
        Stopped() {
            super("pipeline stopped", null, false, false);
        }
    }

    private OrderedPipeline() {}

    /** Runs {@code source} on {@code threads} workers, a window of {@code window} items; results to {@code sink}. */
    public static <R> void run(int threads, int window, Source<R> source, Consumer<R> sink) {
        if (threads <= 1) {
            source.emit(step ->
                    sink.accept(step.work() == null ? step.value() : step.work().get()));
            return;
        }
        if (window < 1) {
            throw new IllegalArgumentException("window must be at least 1: " + window);
        }
        int id = RUNS.incrementAndGet();
        ExecutorService pool = Executors.newFixedThreadPool(threads, named("ordered-" + id + "-worker-"));
        BlockingQueue<Object> queue = new ArrayBlockingQueue<>(window);
        AtomicBoolean stop = new AtomicBoolean();
        Thread reader = named("ordered-" + id + "-reader-").newThread(() -> {
            Object last = END;
            try {
                source.emit(step -> put(
                        queue,
                        stop,
                        step.work() == null
                                ? CompletableFuture.completedFuture(step.value())
                                : CompletableFuture.supplyAsync(step.work(), pool)));
            } catch (Stopped e) {
                return;
            } catch (Throwable e) { // handed to the calling thread, which rethrows it
                last = new Failure(e);
            }
            try {
                put(queue, stop, last);
            } catch (Stopped e) {
                // the sink side ended first; nobody waits for the end mark
            }
        });
        reader.start();
        try {
            while (true) {
                Object o = queue.take();
                if (o == END) {
                    break;
                }
                if (o instanceof Failure f) {
                    throw rethrow(f.error());
                }
                @SuppressWarnings("unchecked")
                CompletableFuture<R> result = (CompletableFuture<R>) o;
                R value;
                try {
                    value = result.join();
                } catch (CompletionException e) {
                    throw rethrow(e.getCause() == null ? e : e.getCause());
                }
                sink.accept(value);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for the next item", e);
        } finally {
            stop.set(true);
            queue.clear(); // unblocks a reader waiting for a free slot
            pool.shutdownNow();
            try {
                reader.join(TimeUnit.SECONDS.toMillis(60));
                pool.awaitTermination(60, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private static void put(BlockingQueue<Object> queue, AtomicBoolean stop, Object item) {
        try {
            while (!queue.offer(item, 100, TimeUnit.MILLISECONDS)) {
                if (stop.get()) {
                    throw new Stopped();
                }
            }
            if (stop.get()) {
                throw new Stopped();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new Stopped();
        }
    }

    private static RuntimeException rethrow(Throwable e) {
        if (e instanceof RuntimeException r) {
            return r;
        }
        if (e instanceof Error err) {
            throw err;
        }
        return new IllegalStateException(e.toString(), e);
    }

    private static ThreadFactory named(String prefix) {
        AtomicInteger n = new AtomicInteger();
        return r -> {
            Thread t = new Thread(r, prefix + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        };
    }
}
