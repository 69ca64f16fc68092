package io.genrestack.common.metrics;

import io.genrestack.common.io.MappedFile;

import java.io.IOException;
import java.nio.file.Path;

/**
 * The seeded bootstrap resamples of one source's validation tracks ({@link Bootstrap#draw}) as multiplicities in a
 * memory-mapped scratch file, track-major: unit {@code t} holds track {@code t}'s multiplicity in each resample, one
 * unsigned byte per resample, so a label column's weighted pass ({@link
 * io.genrestack.common.metrics.BootstrapColumn}) reads one contiguous row per track. Disk: tracks × resamples bytes;
 * heap: 4 bytes per track while the file is filled. Shared read-only by the workers once filled; {@link #close}
 * unmaps and deletes it. The evaluator's bootstrap intervals and the stacker's ablations draw the same resamples
 * (same seed, same tracks in MBID order) through it.
 */
public final class ResampleFile implements Bootstrap.Weights, AutoCloseable {
    private final Path path;
    private final MappedFile file;
    private final int tracks;
    private final int resamples;
    private final int maxWeight;

    private ResampleFile(Path path, MappedFile file, int tracks, int resamples, int maxWeight) {
        this.path = path;
        this.file = file;
        this.tracks = tracks;
        this.resamples = resamples;
        this.maxWeight = maxWeight;
    }

    /** Draws {@code resamples} resamples of {@code tracks} tracks with {@code seed} into {@code path}. */
    public static ResampleFile draw(Path path, long seed, int tracks, int resamples) throws IOException {
        MappedFile file = MappedFile.create(path, Math.max(1, tracks), Math.max(1, resamples));
        try {
            int[] counts = new int[tracks];
            int[] max = {0};
            Bootstrap.draw(seed, tracks, resamples, (b, indices) -> {
                max[0] = Math.max(max[0], Bootstrap.counts(indices, tracks, counts));
                for (int t = 0; t < tracks; t++) {
                    if (counts[t] != 0) { // the file starts zero-filled
                        file.put(t, b, (byte) counts[t]);
                    }
                }
            });
            return new ResampleFile(path, file, tracks, resamples, max[0]);
        } catch (RuntimeException e) {
            file.close();
            MappedFile.deleteQuietly(path);
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
        file.get(track, out);
    }

    @Override
    public void close() {
        file.close();
        MappedFile.deleteQuietly(path);
    }
}
