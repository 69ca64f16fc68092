package io.genrestack.extractor.input;

import java.time.Duration;
import java.util.Locale;
import java.util.OptionalLong;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;

/**
 * Progress of a long scan for log lines: items done, the average rate in items per second since the start,
 * and, when the total is known, the percentage and an ETA at the current average rate.
 *
 * <p>Thread-safe: {@link #step()} may be called from several threads. {@link #lineIfDue()} returns a line at
 * most once per interval, so a caller can invoke it after every item and log what it returns.
 */
public final class Progress {

    private final String what;
    private final long total;
    private final long intervalNanos;
    private final LongSupplier nanoClock;
    private final long startNanos;
    private final AtomicLong done = new AtomicLong();
    private final AtomicLong failed = new AtomicLong();
    private final AtomicLong lastLineNanos;

    /**
     * @param what      the noun for the log line, e.g. {@code "documents"}
     * @param total     the expected number of items, or a negative number when unknown (no ETA then)
     * @param interval  minimum time between two lines from {@link #lineIfDue()}
     */
    public Progress(String what, long total, Duration interval) {
        this(what, total, interval, System::nanoTime);
    }

    /** As {@link #Progress(String, long, Duration)} with an explicit monotonic nanosecond clock (for tests). */
    public Progress(String what, long total, Duration interval, LongSupplier nanoClock) {
        this.what = what;
        this.total = total < 0 ? -1 : total;
        this.intervalNanos = interval.toNanos();
        this.nanoClock = nanoClock;
        this.startNanos = nanoClock.getAsLong();
        this.lastLineNanos = new AtomicLong(startNanos);
    }

    /** Counts one item done. */
    public void step() {
        done.incrementAndGet();
    }

    /** Counts {@code n} items done. */
    public void step(long n) {
        done.addAndGet(n);
    }

    /** Counts one item done that failed (it counts in {@link #done()} too). */
    public void stepFailed() {
        done.incrementAndGet();
        failed.incrementAndGet();
    }

    /** Items done so far (failed ones included). */
    public long done() {
        return done.get();
    }

    /** Failed items so far. */
    public long failed() {
        return failed.get();
    }

    /** The expected total, or -1 when unknown. */
    public long total() {
        return total;
    }

    /** Time since construction. */
    public Duration elapsed() {
        return Duration.ofNanos(nanoClock.getAsLong() - startNanos);
    }

    /** Average items per second since the start (0 before any time has passed). */
    public double ratePerSecond() {
        long nanos = nanoClock.getAsLong() - startNanos;
        return nanos <= 0 ? 0.0 : done.get() * 1e9 / nanos;
    }

    /** Estimated seconds left at the average rate; empty when the total or the rate is unknown. */
    public OptionalLong etaSeconds() {
        if (total < 0) {
            return OptionalLong.empty();
        }
        long left = Math.max(0, total - done.get());
        if (left == 0) {
            return OptionalLong.of(0);
        }
        double rate = ratePerSecond();
        return rate <= 0 ? OptionalLong.empty() : OptionalLong.of((long) Math.ceil(left / rate));
    }

    /**
     * A log line such as {@code documents: 1200 done (3 failed), 240.0/s, elapsed 0:00:05, 12.0% of 10000,
     * ETA 0:00:37}.
     */
    public String line() {
        StringBuilder sb = new StringBuilder();
        sb.append(what).append(": ").append(done.get()).append(" done");
        long f = failed.get();
        if (f > 0) {
            sb.append(" (").append(f).append(" failed)");
        }
        sb.append(String.format(
                Locale.ROOT,
                ", %.1f/s, elapsed %s",
                ratePerSecond(),
                hms(elapsed().toSeconds())));
        if (total >= 0) {
            double pct = total == 0 ? 100.0 : 100.0 * done.get() / total;
            sb.append(String.format(Locale.ROOT, ", %.1f%% of %d", pct, total));
            OptionalLong eta = etaSeconds();
            sb.append(", ETA ").append(eta.isPresent() ? hms(eta.getAsLong()) : "?");
        }
        return sb.toString();
    }

    /** {@link #line()} when at least one interval has passed since the last line returned here, else null. */
    public String lineIfDue() {
        long now = nanoClock.getAsLong();
        long last = lastLineNanos.get();
        if (now - last >= intervalNanos && lastLineNanos.compareAndSet(last, now)) {
            return line();
        }
        return null;
    }

    static String hms(long seconds) {
        return String.format(Locale.ROOT, "%d:%02d:%02d", seconds / 3600, (seconds / 60) % 60, seconds % 60);
    }
}
