package io.genrestack.extractor.input;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * The walk of one input folder, shared by scanning and counting: depth-first, the entries of every folder in sorted
 * name order; junk skipped silently; links never followed, except that a symbolic link to a regular file is taken
 * (as that file) when its real path stays inside the folder. Every other entry is handed to the {@link Visitor}
 * exactly once: as a file to read, or as a problem with its reason. Entries are named
 * {@code <prefix><path inside the folder>}.
 */
final class FolderWalk {

    /** Sees the entries of a walk; each method returns false to stop the walk. */
    interface Visitor {
        /** A regular file (or a link's target) of {@code size} bytes, named {@code name}. */
        boolean file(Path file, String name, long size);

        /** An entry that cannot be read, with the reason. */
        boolean problem(String name, String reason);
    }

    private final Path root;
    private final String prefix;
    private final Visitor visitor;

    private FolderWalk(Path root, String prefix, Visitor visitor) {
        this.root = root;
        this.prefix = prefix;
        this.visitor = visitor;
    }

    /**
     * Walks {@code root} (a real path: links resolved); returns false when the visitor stopped the walk.
     */
    static boolean walk(Path root, String prefix, Visitor visitor) {
        return new FolderWalk(root, prefix, visitor).folder(root);
    }

    private boolean folder(Path dir) {
        List<Path> children = new ArrayList<>();
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(dir)) {
            for (Path child : ds) {
                children.add(child);
            }
        } catch (IOException e) {
            return visitor.problem(prefix + relative(dir), "folder unreadable: " + InputScanner.message(e));
        }
        children.sort(Comparator.comparing(p -> p.getFileName().toString()));
        for (Path child : children) {
            String rel = relative(child);
            if (InputNames.isJunk(rel)) {
                continue;
            }
            if (!entry(child, prefix + rel)) {
                return false;
            }
        }
        return true;
    }

    private boolean entry(Path child, String name) {
        BasicFileAttributes attrs;
        try {
            attrs = Files.readAttributes(child, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
        } catch (IOException e) {
            return visitor.problem(name, "unreadable: " + InputScanner.message(e));
        }
        if (attrs.isDirectory()) {
            return folder(child);
        } else if (attrs.isSymbolicLink()) {
            return link(child, name);
        } else if (!attrs.isRegularFile()) {
            return visitor.problem(name, "not a regular file");
        }
        return visitor.file(child, name, attrs.size());
    }

    /** A symlink inside the folder: taken only when it points to a regular file inside the same folder tree. */
    private boolean link(Path link, String name) {
        try {
            Path target = link.toRealPath();
            if (!target.startsWith(root)) {
                return visitor.problem(name, InputScanner.LINK_REFUSED + " (target outside the input folder)");
            }
            BasicFileAttributes t = Files.readAttributes(target, BasicFileAttributes.class);
            if (!t.isRegularFile()) {
                return visitor.problem(name, InputScanner.LINK_REFUSED + " (target is not a regular file)");
            }
            return visitor.file(target, name, t.size());
        } catch (IOException e) {
            return visitor.problem(name, InputScanner.LINK_REFUSED + " (" + InputScanner.message(e) + ")");
        }
    }

    private String relative(Path p) {
        Path rel = root.relativize(p);
        String s = rel.toString().replace(p.getFileSystem().getSeparator(), "/");
        return s.isEmpty()
                ? root.getFileName() == null
                        ? root.toString()
                        : root.getFileName().toString()
                : s;
    }
}
