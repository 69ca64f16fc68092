package io.genrestack.stacker;

import io.genrestack.common.metrics.Bootstrap;

import java.io.IOException;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * The seeded bootstrap resamples of a source's validation tracks ({@link Bootstrap#draw}, the evaluator's draw) as
 * multiplicities in a memory-mapped scratch file, track-major: track {@code t}'s multiplicity in each resample, one
 * unsigned byte per resample, so a label column's weighted pass ({@link io.genrestack.common.metrics.BootstrapColumn})
 * reads one contiguous row per track. Disk: tracks × resamples bytes, mapped in chunks of whole rows of at most
 * 1 GiB; heap: 4 bytes per track while it is filled. {@link #close} deletes the file.
 */
final class ResampleWeights implements Bootstrap.Weights, AutoCloseable {
    private static final long MAX_CHUNK_BYTES = 1L << 30;

    private final Path path;
    private final int tracks;
    private final int resamples;
    private final int rowsPerChunk;
    private final MappedByteBuffer[] chunks;
    private int maxWeight;

    private ResampleWeights(Path path, int tracks, int resamples) throws IOException {
        this.path = path;
        this.tracks = tracks;
        this.resamples = resamples;
        this.rowsPerChunk = (int) Math.max(1, MAX_CHUNK_BYTES / Math.max(1, resamples));
        int n = Math.max(1, (tracks + rowsPerChunk - 1) / rowsPerChunk);
        chunks = new MappedByteBuffer[n];
        try (FileChannel ch = FileChannel.open(
                path,
                StandardOpenOption.CREATE,
                StandardOpenOption.TRUNCATE_EXISTING,
                StandardOpenOption.READ,
                StandardOpenOption.WRITE)) {
            for (int c = 0; c < n; c++) {
                long first = (long) c * rowsPerChunk;
                long rows = Math.max(0, Math.min(rowsPerChunk, tracks - first));
                chunks[c] = ch.map(FileChannel.MapMode.READ_WRITE, first * resamples, Math.max(1, rows * resamples));
            }
        }
    }

    /** Draws {@code resamples} resamples of {@code tracks} tracks with {@code seed} into {@code path}. */
    static ResampleWeights draw(Path path, long seed, int tracks, int resamples) throws IOException {
        ResampleWeights w = new ResampleWeights(path, tracks, resamples);
        try {
            int[] counts = new int[tracks];
            Bootstrap.draw(seed, tracks, resamples, (b, indices) -> {
                w.maxWeight = Math.max(w.maxWeight, Bootstrap.counts(indices, tracks, counts));
                for (int t = 0; t < tracks; t++) {
                    if (counts[t] != 0) { // the file starts zero-filled
                        w.chunks[t / w.rowsPerChunk].put((t % w.rowsPerChunk) * resamples + b, (byte) counts[t]);
                    }
                }
            });
            return w;
        } catch (RuntimeException e) {
            w.close();
            throw e;
        }
    }

    @Override
    public int tracks() {
        return tracks;
    }

    @Override
    public int resamples() {
        return resamples;
    }

    @Override
    public int maxWeight() {
        return maxWeight;
    }

    @Override
    public void row(int track, byte[] out) {
        chunks[track / rowsPerChunk].get((track % rowsPerChunk) * resamples, out, 0, resamples);
    }

    @Override
    public void close() {
        try {
            Files.deleteIfExists(path);
        } catch (IOException e) {
            // scratch under the stacker's work dir, deleted with it
        }
    }
}
