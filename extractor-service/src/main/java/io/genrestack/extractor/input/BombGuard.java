package io.genrestack.extractor.input;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.Optional;

/**
 * The decompression-bomb guard: streams that count the bytes read through them. The decompressed side (with
 * {@code compressed} set) throws {@link BombException} once the expansion passes {@link InputScanner#BOMB_RATIO}
 * beyond {@link InputScanner#BOMB_MIN_BYTES}, so a bomb costs a bounded amount of CPU and no memory. Skipping reads
 * through here too (TarArchiveInputStream skips by reading), so every byte is counted.
 */
final class BombGuard {
    private BombGuard() {}

    /** Counts the bytes read through it; see {@link BombGuard}. */
    static final class CountingStream extends FilterInputStream {
        private final CountingStream compressed;
        volatile long count; // written by one thread (a native decompressor's pump), read by the reader

        CountingStream(InputStream in, CountingStream compressed) {
            super(in);
            this.compressed = compressed;
        }

        @Override
        public int read() throws IOException {
            int b = super.read();
            if (b >= 0) {
                add(1);
            }
            return b;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            int n = super.read(b, off, len);
            if (n > 0) {
                add(n);
            }
            return n;
        }

        @Override
        public long skip(long n) throws IOException {
            // read instead of skipping so that every byte is counted
            byte[] buf = new byte[(int) Math.min(DocumentReader.CHUNK, Math.max(1, n))];
            long done = 0;
            while (done < n) {
                int r = read(buf, 0, (int) Math.min(buf.length, n - done));
                if (r < 0) {
                    break;
                }
                done += r;
            }
            return done;
        }

        private void add(long n) throws IOException {
            count += n;
            if (compressed != null
                    && count > InputScanner.BOMB_MIN_BYTES
                    && count > InputScanner.BOMB_RATIO * Math.max(1, compressed.count)) {
                throw new BombException(InputScanner.BOMB + count + " bytes out of " + compressed.count
                        + " compressed bytes (more than " + InputScanner.BOMB_RATIO
                        + "×); the rest of the archive is not read");
            }
        }
    }

    /** Thrown by {@link CountingStream} when an archive expands like a bomb. */
    static final class BombException extends IOException {
        BombException(String message) {
            super(message);
        }
    }

    /** The bomb reason when {@code e} or one of its causes is a {@link BombException}. */
    static Optional<String> bombMessage(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof BombException b) {
                return Optional.of(b.getMessage());
            }
        }
        return Optional.empty();
    }
}
