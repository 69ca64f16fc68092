package io.genrestack.ml;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * A read-only, memory-mapped matrix of float32 rows stored in a file, so that training data may exceed the Java heap
 * (and 2 GiB). Written once, sequentially, with {@link #create(Path, int)}; read by random row access.
 *
 * <h2>File format (version 1, all numbers little-endian)</h2>
 * <pre>
 * offset size  field
 *  0      4    magic "GSFR" (ASCII)
 *  4      4    int32 version = 1
 *  8      8    int64 rows   (-1 while the writer is still open: an unfinished file is rejected)
 * 16      4    int32 cols
 * 20      4    int32 data offset = 32
 * 24      8    reserved (zero)
 * 32      rows*cols*4   float32 values, row-major (row r, col c at 32 + (r*cols + c)*4)
 * </pre>
 * Any float is stored verbatim, NaN and infinities included. Multi-label targets are stored the same way as
 * multi-hot rows (1.0 = label present).
 *
 * <p>The reader maps the data region in chunks of whole rows of at most 1 GiB each (a {@link MappedByteBuffer} is
 * limited to 2 GiB), so a row never straddles two chunks. Reads use absolute positions and are thread-safe.
 * {@link #close()} only drops the mappings; the JVM unmaps them when they are garbage-collected.
 */
public final class FloatRowStore implements AutoCloseable {

    /** Bytes before the first value. */
    public static final int HEADER_BYTES = 32;
    /** Format version written by this class. */
    public static final int VERSION = 1;

    static final byte[] MAGIC = "GSFR".getBytes(StandardCharsets.US_ASCII);
    private static final long MAX_CHUNK_BYTES = 1L << 30;

    private final Path path;
    private final int rows;
    private final int cols;
    private final int rowsPerChunk;
    private FloatBuffer[] chunks;

    private FloatRowStore(Path path, int rows, int cols, int rowsPerChunk, FloatBuffer[] chunks) {
        this.path = path;
        this.rows = rows;
        this.cols = cols;
        this.rowsPerChunk = rowsPerChunk;
        this.chunks = chunks;
    }

    /** Starts a new store at {@code path} (replacing any file there) with rows of {@code cols} floats. */
    public static Writer create(Path path, int cols) throws IOException {
        return new Writer(path, cols);
    }

    /** Writes {@code data} (all rows of equal length, at least one row) to a new store and closes the writer. */
    public static void write(Path path, float[][] data) throws IOException {
        if (data.length == 0) throw new IllegalArgumentException("no rows; use create(path, cols) for an empty store");
        try (Writer w = create(path, data[0].length)) {
            for (float[] row : data) w.append(row);
        }
    }

    /** Opens and maps an existing store. */
    public static FloatRowStore open(Path path) throws IOException {
        return open(path, MAX_CHUNK_BYTES);
    }

    /** Opens with a custom mapping chunk size (tests use tiny chunks to exercise chunk boundaries). */
    static FloatRowStore open(Path path, long maxChunkBytes) throws IOException {
        try (FileChannel ch = FileChannel.open(path, StandardOpenOption.READ)) {
            ByteBuffer h = ByteBuffer.allocate(HEADER_BYTES).order(ByteOrder.LITTLE_ENDIAN);
            while (h.hasRemaining()) {
                if (ch.read(h, h.position()) < 0) throw new IOException(path + ": truncated header");
            }
            h.flip();
            byte[] magic = new byte[4];
            h.get(magic);
            if (!java.util.Arrays.equals(magic, MAGIC))
                throw new IOException(path + ": not a float row store (bad magic)");
            int version = h.getInt();
            if (version != VERSION) throw new IOException(path + ": unsupported version " + version);
            long rows = h.getLong();
            int cols = h.getInt();
            int dataOffset = h.getInt();
            if (rows < 0) throw new IOException(path + ": unfinished store (writer was not closed)");
            if (rows > Integer.MAX_VALUE) throw new IOException(path + ": too many rows " + rows);
            if (cols <= 0) throw new IOException(path + ": bad column count " + cols);
            long rowBytes = 4L * cols;
            if (rowBytes > maxChunkBytes) throw new IOException(path + ": rows of " + rowBytes + " bytes are too wide");
            long expected = dataOffset + rows * rowBytes;
            if (ch.size() != expected) {
                throw new IOException(path + ": size " + ch.size() + " != expected " + expected);
            }
            int rowsPerChunk = (int) Math.max(1, Math.min(Integer.MAX_VALUE, maxChunkBytes / rowBytes));
            int nChunks = (int) ((rows + rowsPerChunk - 1) / rowsPerChunk);
            FloatBuffer[] chunks = new FloatBuffer[nChunks];
            for (int c = 0; c < nChunks; c++) {
                long firstRow = (long) c * rowsPerChunk;
                long nRows = Math.min(rowsPerChunk, rows - firstRow);
                MappedByteBuffer mb =
                        ch.map(FileChannel.MapMode.READ_ONLY, dataOffset + firstRow * rowBytes, nRows * rowBytes);
                chunks[c] = mb.order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer();
            }
            return new FloatRowStore(path, (int) rows, cols, rowsPerChunk, chunks);
        }
    }

    public Path path() {
        return path;
    }

    public int rows() {
        return rows;
    }

    public int cols() {
        return cols;
    }

    /** Copies row {@code r} into {@code dst[0..cols)}. */
    public void readRow(int r, float[] dst) {
        readRow(r, dst, 0);
    }

    /** Copies row {@code r} into {@code dst[offset..offset+cols)}. */
    public void readRow(int r, float[] dst, int offset) {
        FloatBuffer fb = chunk(r);
        fb.get((r % rowsPerChunk) * cols, dst, offset, cols);
    }

    /** Copies the {@code count} values of row {@code r} from column {@code col} into {@code dst[offset..)}. */
    public void read(int r, int col, float[] dst, int offset, int count) {
        if (col < 0 || count < 0 || col + count > cols) {
            throw new IndexOutOfBoundsException("columns " + col + ".." + (col + count) + " of " + cols);
        }
        FloatBuffer fb = chunk(r);
        fb.get((r % rowsPerChunk) * cols + col, dst, offset, count);
    }

    /** Copies row {@code r} into {@code dst} at absolute float index {@code dstIndex} (no position change). */
    public void copyRow(int r, FloatBuffer dst, int dstIndex) {
        FloatBuffer fb = chunk(r);
        dst.put(dstIndex, fb, (r % rowsPerChunk) * cols, cols);
    }

    /** Returns row {@code r} as a new array. */
    public float[] row(int r) {
        float[] out = new float[cols];
        readRow(r, out);
        return out;
    }

    /** Reads the whole store into memory (for small stores and tests). */
    public float[][] toArray() {
        float[][] out = new float[rows][];
        for (int r = 0; r < rows; r++) out[r] = row(r);
        return out;
    }

    private FloatBuffer chunk(int r) {
        FloatBuffer[] cs = chunks;
        if (cs == null) throw new IllegalStateException("store closed: " + path);
        if (r < 0 || r >= rows) throw new IndexOutOfBoundsException("row " + r + " of " + rows);
        return cs[r / rowsPerChunk];
    }

    @Override
    public void close() {
        chunks = null;
    }

    @Override
    public String toString() {
        return "FloatRowStore[" + path + ", " + rows + " x " + cols + "]";
    }

    /** Sequential writer of a {@link FloatRowStore}; the row count is written into the header on {@link #close()}. */
    public static final class Writer implements AutoCloseable {
        private final Path path;
        private final int cols;
        private final FileChannel ch;
        private final ByteBuffer buf;
        private final FloatBuffer fbuf;
        private long rows;
        private boolean closed;

        private Writer(Path path, int cols) throws IOException {
            if (cols <= 0) throw new IllegalArgumentException("cols must be > 0");
            if (4L * cols > MAX_CHUNK_BYTES) throw new IllegalArgumentException("rows too wide: " + cols);
            this.path = path;
            this.cols = cols;
            this.ch = FileChannel.open(
                    path, StandardOpenOption.CREATE, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING);
            int cap = Math.max(4 * cols, 1 << 20);
            cap -= cap % (4 * cols);
            this.buf = ByteBuffer.allocateDirect(cap).order(ByteOrder.LITTLE_ENDIAN);
            this.fbuf = buf.asFloatBuffer();
            writeHeader(-1);
            ch.position(HEADER_BYTES);
        }

        public int cols() {
            return cols;
        }

        /** Rows appended so far. */
        public long rows() {
            return rows;
        }

        /** Appends one row of exactly {@code cols} values. */
        public Writer append(float[] row) throws IOException {
            if (row.length != cols) {
                throw new IllegalArgumentException("row has " + row.length + " values, store has " + cols + " columns");
            }
            return append(row, 0);
        }

        /** Appends {@code cols} values of {@code src} starting at {@code offset}. */
        public Writer append(float[] src, int offset) throws IOException {
            if (closed) throw new IllegalStateException("writer closed");
            if (offset < 0 || src.length - offset < cols) {
                throw new IllegalArgumentException("only " + (src.length - offset) + " values from offset " + offset
                        + ", store has " + cols + " columns");
            }
            if (fbuf.remaining() < cols) flush();
            fbuf.put(src, offset, cols);
            rows++;
            return this;
        }

        private void flush() throws IOException {
            buf.position(0).limit(fbuf.position() * 4);
            while (buf.hasRemaining()) ch.write(buf);
            buf.clear();
            fbuf.clear();
        }

        private void writeHeader(long nRows) throws IOException {
            ByteBuffer h = ByteBuffer.allocate(HEADER_BYTES).order(ByteOrder.LITTLE_ENDIAN);
            h.put(MAGIC)
                    .putInt(VERSION)
                    .putLong(nRows)
                    .putInt(cols)
                    .putInt(HEADER_BYTES)
                    .putLong(0L);
            h.flip();
            long p = 0;
            while (h.hasRemaining()) p += ch.write(h, p);
        }

        /** Flushes, writes the final row count and closes the file. */
        @Override
        public void close() throws IOException {
            if (closed) return;
            closed = true;
            try (ch) {
                flush();
                writeHeader(rows);
                ch.force(false);
            }
        }

        @Override
        public String toString() {
            return "FloatRowStore.Writer[" + path + ", " + rows + " x " + cols + "]";
        }
    }
}
