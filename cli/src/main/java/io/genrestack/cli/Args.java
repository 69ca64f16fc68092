package io.genrestack.cli;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** Minimal argument parsing for the CLI: {@code --key value} options, {@code --flag} switches, positionals. */
final class Args {
    private Args() {}

    static Map<String, String> options(List<String> args, List<String> withValue, List<String> flags) {
        Map<String, String> m = new HashMap<>();
        for (int i = 0; i < args.size(); i++) {
            String a = args.get(i);
            if (withValue.contains(a)) {
                if (i + 1 >= args.size()) {
                    throw new IllegalArgumentException(a + " needs a value");
                }
                m.put(a, args.get(++i));
            } else if (flags.contains(a)) {
                m.put(a, "true");
            } else if (a.startsWith("--")) {
                throw new IllegalArgumentException("unknown option " + a);
            }
        }
        return m;
    }

    static List<String> positional(List<String> args, List<String> withValue) {
        List<String> out = new ArrayList<>();
        for (int i = 0; i < args.size(); i++) {
            String a = args.get(i);
            if (withValue.contains(a)) {
                i++;
            } else if (!a.startsWith("--")) {
                out.add(a);
            }
        }
        return out;
    }

    static String env(String name, String fallback) {
        String v = System.getenv(name);
        return v == null || v.isBlank() ? fallback : v;
    }
}
