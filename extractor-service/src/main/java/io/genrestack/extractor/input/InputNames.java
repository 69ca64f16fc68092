package io.genrestack.extractor.input;

import java.util.Locale;
import java.util.Optional;

/** The name rules of the scan: junk, archives, documents (an MBID-named {@code .json}) and escaping paths. */
final class InputNames {
    private InputNames() {}

    /** True for macOS metadata that is skipped silently: {@code ._*}, {@code .DS_Store}, {@code __MACOSX/...}. */
    static boolean isJunk(String path) {
        String p = path.replace('\\', '/');
        for (String seg : p.split("/")) {
            if (seg.equals("__MACOSX")) {
                return true;
            }
        }
        String base = baseName(p);
        return base.startsWith("._") || base.equals(".DS_Store");
    }

    /** True for names of bzip2-compressed tar archives ({@code .tar.bz2}, {@code .tbz2}). */
    static boolean isArchiveName(String name) {
        String n = name.toLowerCase(Locale.ROOT);
        return n.endsWith(".tar.bz2") || n.endsWith(".tbz2");
    }

    static boolean isJsonName(String name) {
        return name.toLowerCase(Locale.ROOT).endsWith(".json");
    }

    /** True for absolute paths (Unix, Windows drive or UNC) and paths with a {@code ..} segment. */
    static boolean escapes(String path) {
        String p = path.replace('\\', '/');
        if (p.startsWith("/") || (p.length() >= 2 && p.charAt(1) == ':' && Character.isLetter(p.charAt(0)))) {
            return true;
        }
        for (String seg : p.split("/")) {
            if (seg.equals("..")) {
                return true;
            }
        }
        return false;
    }

    /** Why a path cannot name a document ({@link InputScanner#NOT_JSON}, {@link InputScanner#NOT_AN_MBID}), if so. */
    static Optional<String> refuseByName(String path) {
        String base = baseName(path.replace('\\', '/'));
        if (!isJsonName(base)) {
            return Optional.of(InputScanner.NOT_JSON);
        }
        if (Mbids.fromFileName(base).isEmpty()) {
            return Optional.of(InputScanner.NOT_AN_MBID);
        }
        return Optional.empty();
    }

    /** The recording MBID of a path that {@link #refuseByName} accepts. */
    static String mbidOf(String path) {
        return Mbids.fromFileName(baseName(path.replace('\\', '/'))).orElseThrow();
    }

    private static String baseName(String path) {
        String p = path;
        while (p.endsWith("/")) {
            p = p.substring(0, p.length() - 1);
        }
        int slash = p.lastIndexOf('/');
        return slash < 0 ? p : p.substring(slash + 1);
    }
}
