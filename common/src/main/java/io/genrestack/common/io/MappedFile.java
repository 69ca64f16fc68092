package io.genrestack.common.io;

import java.io.IOException;
import java.lang.reflect.Method;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;

/**
 * A file of fixed-size units (a block of rows, a sorted run, a track's bit row) memory-mapped in chunks of whole
 * units of at most 1 GiB each, so a unit never straddles two mappings and files may exceed 2 GiB. Native byte order.
 * {@link #close} unmaps at once (where the JDK allows it), so a deleted file's disk space is freed without waiting for
 * a garbage collection; nothing may read a view after that. Used for the evaluator's column store and sorted runs and
 * for the bootstrap's resample multiplicities ({@link io.genrestack.common.metrics.ResampleFile}).
 */
public final class MappedFile implements AutoCloseable {
    private static final long CHUNK = 1L << 30;
    private final long unitBytes;
    private final long unitsPerChunk;
    private final List<MappedByteBuffer> chunks = new ArrayList<>();

    private MappedFile(FileChannel ch, FileChannel.MapMode mode, long units, long unitBytes) throws IOException {
        this.unitBytes = unitBytes;
        this.unitsPerChunk = Math.max(1, CHUNK / unitBytes);
        if (unitBytes * unitsPerChunk > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("unit of " + unitBytes + " bytes is too large to map");
        }
        for (long first = 0; first < units; first += unitsPerChunk) {
            long n = Math.min(unitsPerChunk, units - first);
            MappedByteBuffer b = ch.map(mode, first * unitBytes, n * unitBytes);
            b.order(ByteOrder.nativeOrder());
            chunks.add(b);
        }
    }

    /** Maps an existing file of {@code units} units read-only. */
    public static MappedFile read(Path file, long units, long unitBytes) throws IOException {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            return new MappedFile(ch, FileChannel.MapMode.READ_ONLY, units, unitBytes);
        }
    }

    /** Creates (or truncates) a zero-filled file of {@code units} units, mapped read-write. */
    public static MappedFile create(Path file, long units, long unitBytes) throws IOException {
        try (FileChannel ch = FileChannel.open(
                file,
                StandardOpenOption.CREATE,
                StandardOpenOption.TRUNCATE_EXISTING,
                StandardOpenOption.READ,
                StandardOpenOption.WRITE)) {
            return new MappedFile(ch, FileChannel.MapMode.READ_WRITE, units, unitBytes);
        }
    }

    /** A view of unit {@code unit}: position 0 = its first byte, limit = its size. */
    public ByteBuffer unit(long unit) {
        ByteBuffer c = chunks.get((int) (unit / unitsPerChunk));
        int from = (int) ((unit % unitsPerChunk) * unitBytes);
        return c.slice(from, (int) unitBytes).order(ByteOrder.nativeOrder());
    }

    /** Byte {@code offset} of unit {@code unit} (no view is made). */
    public byte get(long unit, int offset) {
        return chunks.get((int) (unit / unitsPerChunk)).get((int) ((unit % unitsPerChunk) * unitBytes) + offset);
    }

    /** Sets byte {@code offset} of unit {@code unit} (no view is made). */
    public void put(long unit, int offset, byte value) {
        chunks.get((int) (unit / unitsPerChunk)).put((int) ((unit % unitsPerChunk) * unitBytes) + offset, value);
    }

    /** Copies the first {@code out.length} bytes of unit {@code unit} into {@code out} (no view is made). */
    public void get(long unit, byte[] out) {
        chunks.get((int) (unit / unitsPerChunk)).get((int) ((unit % unitsPerChunk) * unitBytes), out, 0, out.length);
    }

    @Override
    public void close() {
        for (MappedByteBuffer b : chunks) {
            unmap(b);
        }
        chunks.clear();
    }

    private static final Method INVOKE_CLEANER;
    private static final Object UNSAFE;

    static {
        Method m = null;
        Object u = null;
        try {
            Class<?> c = Class.forName("sun.misc.Unsafe");
            var f = c.getDeclaredField("theUnsafe");
            f.setAccessible(true);
            u = f.get(null);
            m = c.getMethod("invokeCleaner", ByteBuffer.class);
        } catch (ReflectiveOperationException | RuntimeException e) {
            m = null; // left to the garbage collector
        }
        INVOKE_CLEANER = m;
        UNSAFE = u;
    }

    private static void unmap(MappedByteBuffer b) {
        if (INVOKE_CLEANER != null) {
            try {
                INVOKE_CLEANER.invoke(UNSAFE, b);
            } catch (ReflectiveOperationException | RuntimeException e) {
                // unmapped when collected
            }
        }
    }

    public static void deleteQuietly(Path p) {
        try {
            Files.deleteIfExists(p);
        } catch (IOException e) {
            // a leftover scratch file; the work dir is scratch space
        }
    }
}
