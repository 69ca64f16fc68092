package io.genrestack.extractor.input;

import io.genrestack.extractor.input.InputItem.BadItem;
import io.genrestack.extractor.input.InputItem.JsonDoc;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * Reads one candidate document (a file or an archive entry) into an {@link InputItem}: refused by name, refused as
 * too large (never read whole), or read into memory with at most {@code maxBytes + 1} bytes buffered.
 */
final class DocumentReader {
    static final int CHUNK = 64 * 1024;

    private final long maxBytes;

    DocumentReader(long maxBytes) {
        this.maxBytes = maxBytes;
    }

    /** The item for a file of {@code size} bytes (as its attributes tell) named {@code name}. */
    InputItem file(Path file, String name, long size) {
        Optional<String> refusal = InputNames.refuseByName(name);
        if (refusal.isPresent()) {
            return new BadItem(name, refusal.get());
        }
        if (size > maxBytes) {
            return tooLarge(name, size);
        }
        try (InputStream in = Files.newInputStream(file)) {
            byte[] bytes = readBounded(in, maxBytes);
            return bytes == null ? tooLarge(name, -1) : new JsonDoc(name, InputNames.mbidOf(name), bytes);
        } catch (IOException e) {
            return new BadItem(name, "unreadable: " + InputScanner.message(e));
        }
    }

    /**
     * The item for an archive entry at {@code path} of declared {@code size}, read from {@code in} (positioned at the
     * entry); {@code name} is how the item is named.
     */
    InputItem entry(String name, String path, long size, InputStream in) throws IOException {
        Optional<String> refusal = InputNames.refuseByName(path);
        if (refusal.isPresent()) {
            return new BadItem(name, refusal.get());
        }
        if (size > maxBytes) {
            return tooLarge(name, size);
        }
        byte[] bytes = readBounded(in, maxBytes);
        return bytes == null ? tooLarge(name, size) : new JsonDoc(name, InputNames.mbidOf(path), bytes);
    }

    private BadItem tooLarge(String name, long size) {
        String actual = size >= 0 ? size + " bytes" : "more than " + maxBytes + " bytes";
        return new BadItem(name, InputScanner.TOO_LARGE + actual + " exceeds the limit of " + maxBytes + " bytes");
    }

    /**
     * Reads {@code in} to its end, or returns null as soon as more than {@code max} bytes have been seen
     * (at most {@code max + 1} bytes are ever buffered).
     */
    static byte[] readBounded(InputStream in, long max) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream((int) Math.min(max + 1, CHUNK));
        byte[] buf = new byte[CHUNK];
        long total = 0;
        while (true) {
            int want = (int) Math.min(buf.length, max + 1 - total);
            int n = in.read(buf, 0, want);
            if (n < 0) {
                return out.toByteArray();
            }
            total += n;
            if (total > max) {
                return null;
            }
            out.write(buf, 0, n);
        }
    }
}
