package io.genrestack.extractor.input;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The folders a run may read: {@code genrestack.extractor.input-roots}. A location (an input or a ground-truth
 * path of a run request) is accepted only when it is absolute, has no {@code ..} segment, lies inside a root as
 * written, and its real path (every symbolic link resolved) lies inside a root's real path too. For a location
 * that does not exist the deepest existing ancestor's real path must lie inside a root, and the first missing
 * segment must not be a dangling link; so neither a link nor the answer tells anything about paths outside the
 * roots. Checking opens nothing: it only resolves paths. Symbolic links met while walking a folder are judged by
 * {@link #contains(Path)} (and by {@link FolderWalk}'s stricter own rule).
 */
public final class InputRoots {

    /**
     * The one reason given for every refused location: it names no path and reads the same whether the location
     * exists or not.
     */
    public static final String REFUSED =
            "location refused: inputs and ground truth must lie inside the extractor's input roots";

    /** What {@link #check} finds. */
    public enum Verdict {
        /** Inside the roots and present. */
        INSIDE,
        /** Inside the roots, does not exist (only then may an answer say so). */
        MISSING,
        /** Outside the roots, relative, with {@code ..}, or a link leading out: never opened. */
        REFUSED
    }

    private final List<Path> roots;

    /** Roots as configured; relative or malformed entries are dropped (they could never be matched safely). */
    public InputRoots(List<String> roots) {
        List<Path> ok = new ArrayList<>();
        for (String r : roots) {
            try {
                Path p = Path.of(r.strip());
                if (p.isAbsolute() && !hasDotDot(p)) {
                    ok.add(p.normalize());
                }
            } catch (InvalidPathException ignored) {
                // not a path: no root
            }
        }
        this.roots = List.copyOf(ok);
    }

    /** The roots, absolute and normalised. */
    public List<Path> roots() {
        return roots;
    }

    /** Whether {@code location} may be read (see the class comment). */
    public Verdict check(String location) {
        if (location == null || location.isBlank()) {
            return Verdict.REFUSED;
        }
        Path p;
        try {
            p = Path.of(location);
        } catch (InvalidPathException e) {
            return Verdict.REFUSED;
        }
        return check(p);
    }

    /** {@link #check(String)} for a path. */
    public Verdict check(Path p) {
        if (!p.isAbsolute() || hasDotDot(p)) {
            return Verdict.REFUSED;
        }
        Path lexical = p.normalize();
        if (roots.stream().noneMatch(lexical::startsWith)) {
            return Verdict.REFUSED;
        }
        Path existing = lexical;
        Path real = null;
        while (existing != null) {
            try {
                real = existing.toRealPath();
                break;
            } catch (NoSuchFileException missing) {
                existing = existing.getParent();
            } catch (IOException | SecurityException e) {
                return Verdict.REFUSED; // a link loop, an unreadable folder on the way: nothing to tell
            }
        }
        if (real == null || !contains(real)) {
            return Verdict.REFUSED;
        }
        if (existing.equals(lexical)) {
            return Verdict.INSIDE;
        }
        Path firstMissing = existing.resolve(lexical.getName(existing.getNameCount()));
        if (Files.exists(firstMissing, LinkOption.NOFOLLOW_LINKS)) {
            return Verdict.REFUSED; // a dangling link: where it points is nobody's business
        }
        return Verdict.MISSING;
    }

    /** Whether a real path (links resolved) lies inside the real path of a root. */
    public boolean contains(Path realPath) {
        for (Path r : roots) {
            try {
                if (realPath.startsWith(r.toRealPath())) {
                    return true;
                }
            } catch (IOException | SecurityException e) {
                // a root that does not exist holds nothing
            }
        }
        return false;
    }

    private static boolean hasDotDot(Path p) {
        for (Path name : p) {
            if (name.toString().equals("..")) {
                return true;
            }
        }
        return false;
    }
}
