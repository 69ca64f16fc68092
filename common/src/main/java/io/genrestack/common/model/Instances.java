package io.genrestack.common.model;

import java.lang.management.ManagementFactory;

/** A readable id of this process (host + pid) for events and logs. */
public final class Instances {
    private Instances() {}

    private static final String ID = computeId();

    public static String id() {
        return ID;
    }

    private static String computeId() {
        String env = System.getenv("GENRESTACK_INSTANCE");
        if (env != null && !env.isBlank()) {
            return env;
        }
        String host = System.getenv("HOSTNAME");
        String name = ManagementFactory.getRuntimeMXBean().getName(); // pid@host
        return host != null && !host.isBlank()
                ? host + "-" + ProcessHandle.current().pid()
                : name;
    }
}
