package io.genrestack.cli;

import java.time.LocalTime;

/** The local run's console log: one time-stamped line per call, flushed at once. */
final class RunLog {
    private RunLog() {}

    static void log(String fmt, Object... args) {
        System.out.printf("%s  %s%n", LocalTime.now().withNano(0), String.format(fmt, args));
        System.out.flush();
    }
}
