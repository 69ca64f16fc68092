package io.genrestack.evaluator;

import io.genrestack.common.io.MappedFile;
import io.genrestack.common.model.Split;
import io.genrestack.common.model.TrackPredictions;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.nio.LongBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;

/**
 * One source's predictions of a run in column files on the work dir, so that evaluating them needs heap for an MBID
 * index and one label column, never for the score matrices. Records are {@link #add added} as they are read (checked
 * like {@link SourcePredictions#of}) and appended per split to three files in a blocked label-major layout: rows are
 * grouped in blocks of {@value #BLOCK}; block {@code k} holds, label after label, that label's {@value #BLOCK}
 * float32 scores ({@code base.f32}, {@code stacked.f32}) or truth bits ({@code truth.bits}), so a label column is read
 * as contiguous 4 KiB runs and the files grow by appending (no track count needed in advance). After {@link #finish}
 * the files are memory-mapped read-only and each split is a {@link SplitColumns} in MBID order.
 *
 * <p>Disk: 8.125 bytes per (track, label) (two float32 scores and one bit), rounded up to whole blocks. Heap: the
 * MBID index ({@link MbidIndex}: 16 bytes per track) and 8 bytes per track of order; the blocks being filled live off
 * heap.
 * {@link #close} unmaps and deletes the files.
 */
final class ColumnStore implements AutoCloseable {
    static final int BLOCK = 1024;

    private final Path dir;
    private final String source;
    private final List<String> labels;
    private final Part train;
    private final Part validation;

    ColumnStore(Path dir, String source, List<String> labels) throws IOException {
        this.dir = Files.createDirectories(dir);
        this.source = source;
        this.labels = List.copyOf(labels);
        this.train = new Part(dir.resolve("train"), source, this.labels.size());
        this.validation = new Part(dir.resolve("validation"), source, this.labels.size());
    }

    String source() {
        return source;
    }

    List<String> labels() {
        return labels;
    }

    /**
     * Checks one record of this source and appends it: a split, an MBID, one non-NaN base and stacked score per
     * label, true label indices inside the vocabulary. Duplicated MBIDs are found by {@link #finish}.
     *
     * @throws IllegalArgumentException naming the record
     */
    void add(TrackPredictions p) throws IOException {
        SourcePredictions.check(source, labels.size(), p);
        (p.split() == Split.TRAIN ? train : validation).add(p);
    }

    /** Writes the last blocks, maps the files and sorts the MBID index; fails on an MBID that occurs twice. */
    void finish() throws IOException {
        train.finish();
        validation.finish();
        int i = 0;
        int j = 0;
        while (i < train.tracks() && j < validation.tracks()) { // both ascending: a duplicate meets here
            int c = train.mbid(i).compareTo(validation.mbid(j));
            if (c == 0) {
                throw new IllegalArgumentException("prediction of " + source + " track " + train.mbid(i)
                        + " occurs twice in the run's predictions");
            }
            if (c < 0) {
                i++;
            } else {
                j++;
            }
        }
    }

    SplitColumns train() {
        return train;
    }

    SplitColumns validation() {
        return validation;
    }

    /** Bytes of the column files. */
    long diskBytes() {
        return train.bytes() + validation.bytes();
    }

    @Override
    public void close() {
        train.close();
        validation.close();
        MappedFile.deleteQuietly(dir);
    }

    /** One split's files. */
    private static final class Part implements SplitColumns {
        private final Path dir;
        private final String source;
        private final int width;
        private final MbidIndex mbids = new MbidIndex();
        private final FileChannel[] channels = new FileChannel[3]; // base, stacked, truth
        private final ByteBuffer[] blocks = new ByteBuffer[3];
        private final MappedFile[] mapped = new MappedFile[3];
        private int rows;
        private int[] order; // track (MBID rank) -> row
        private int[] rank; // row -> track

        Part(Path dir, String source, int width) throws IOException {
            this.dir = Files.createDirectories(dir);
            this.source = source;
            this.width = width;
            for (int f = 0; f < 3; f++) {
                channels[f] = FileChannel.open(
                        dir.resolve(name(f)),
                        StandardOpenOption.CREATE,
                        StandardOpenOption.TRUNCATE_EXISTING,
                        StandardOpenOption.WRITE);
                blocks[f] = ByteBuffer.allocateDirect((int) blockBytes(f)).order(ByteOrder.nativeOrder());
            }
        }

        private static String name(int f) {
            return f == 0 ? "base.f32" : f == 1 ? "stacked.f32" : "truth.bits";
        }

        private long blockBytes(int f) {
            return f < 2 ? (long) width * BLOCK * Float.BYTES : (long) width * (BLOCK / 64) * Long.BYTES;
        }

        void add(TrackPredictions p) throws IOException {
            int j = rows % BLOCK;
            for (int l = 0; l < width; l++) {
                blocks[0].putFloat((l * BLOCK + j) * Float.BYTES, p.baseScores()[l]);
                blocks[1].putFloat((l * BLOCK + j) * Float.BYTES, p.stackedScores()[l]);
            }
            if (p.labels() != null) {
                for (int l : p.labels()) {
                    int at = (l * (BLOCK / 64) + j / 64) * Long.BYTES;
                    blocks[2].putLong(at, blocks[2].getLong(at) | (1L << (j % 64)));
                }
            }
            mbids.add(p.mbid());
            rows++;
            if (rows % BLOCK == 0) {
                flush();
            }
        }

        private void flush() throws IOException {
            for (int f = 0; f < 3; f++) {
                ByteBuffer b = blocks[f];
                b.clear();
                while (b.hasRemaining()) {
                    channels[f].write(b);
                }
                b.clear();
                for (int i = 0; i < b.capacity(); i += Long.BYTES) {
                    b.putLong(i, 0L);
                }
            }
        }

        void finish() throws IOException {
            if (rows % BLOCK != 0) {
                flush();
            }
            long blockCount = (rows + BLOCK - 1) / BLOCK;
            for (int f = 0; f < 3; f++) {
                channels[f].close();
                blocks[f] = null;
                mapped[f] = MappedFile.read(dir.resolve(name(f)), blockCount, blockBytes(f));
            }
            order = MbidOrder.sort(mbids);
            for (int t = 1; t < rows; t++) {
                if (mbids.compare(order[t - 1], order[t]) == 0) {
                    throw new IllegalArgumentException(
                            "prediction of " + source + " track " + mbid(t) + " occurs twice in the run's predictions");
                }
            }
            rank = new int[rows];
            for (int t = 0; t < rows; t++) {
                rank[order[t]] = t;
            }
        }

        long bytes() {
            long blockCount = (rows + BLOCK - 1) / BLOCK;
            return blockCount * (2 * blockBytes(0) + blockBytes(2));
        }

        @Override
        public int tracks() {
            return rows;
        }

        @Override
        public void truth(int label, boolean[] out) {
            for (int k = 0; k * BLOCK < rows; k++) {
                LongBuffer bits = mapped[2].unit(k).asLongBuffer();
                int base = label * (BLOCK / 64);
                int n = Math.min(BLOCK, rows - k * BLOCK);
                int row = k * BLOCK;
                for (int j = 0; j < n; j++) {
                    out[rank[row + j]] = (bits.get(base + j / 64) & (1L << (j % 64))) != 0;
                }
            }
        }

        @Override
        public void scores(boolean stacked, int label, float[] out) {
            MappedFile m = mapped[stacked ? 1 : 0];
            for (int k = 0; k * BLOCK < rows; k++) {
                FloatBuffer s = m.unit(k).asFloatBuffer();
                int base = label * BLOCK;
                int n = Math.min(BLOCK, rows - k * BLOCK);
                int row = k * BLOCK;
                for (int j = 0; j < n; j++) {
                    out[rank[row + j]] = s.get(base + j);
                }
            }
        }

        @Override
        public String mbid(int track) {
            return mbids.get(order[track]);
        }

        void close() {
            for (int f = 0; f < 3; f++) {
                try {
                    if (channels[f].isOpen()) {
                        channels[f].close();
                    }
                } catch (IOException e) {
                    // scratch file, deleted next
                }
                if (mapped[f] != null) {
                    mapped[f].close();
                }
                MappedFile.deleteQuietly(dir.resolve(name(f)));
            }
            MappedFile.deleteQuietly(dir);
        }
    }
}
