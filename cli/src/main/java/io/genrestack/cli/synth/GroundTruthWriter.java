package io.genrestack.cli.synth;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.TreeMap;

/**
 * Streams one source's ground-truth TSV in the official format (rows sorted by recording MBID, padded with tabs to
 * the widest row) without holding the rows in memory: rows go to 256 bucket files by the MBID's first two hex
 * digits while the data set is generated; {@link #finish} writes the header and then each bucket sorted, so memory
 * holds one bucket (about tracks / 256 rows) at a time. Also counts each label's tracks.
 */
final class GroundTruthWriter implements AutoCloseable {

    private static final int BUCKETS = 256;

    private final Path file;
    private final Path tmp;
    private final Writer[] buckets = new Writer[BUCKETS];
    private final TreeMap<String, Integer> labelCounts = new TreeMap<>();
    private final StringBuilder sb = new StringBuilder(256);
    private int width = 1;
    private int rows;

    /** Writes {@code file}, keeping its buckets in {@code tmp} (created; deleted by {@link #finish}). */
    GroundTruthWriter(Path file, Path tmp) throws IOException {
        this.file = file;
        this.tmp = Files.createDirectories(tmp);
    }

    /** Adds a row: a track, its release group and its sorted labels. */
    void add(String mbid, String releaseGroup, List<String> labels) throws IOException {
        int b = Integer.parseInt(mbid.substring(0, 2), 16);
        if (buckets[b] == null) {
            buckets[b] = new BufferedWriter(
                    Files.newBufferedWriter(tmp.resolve(mbid.substring(0, 2)), StandardCharsets.UTF_8), 4096);
        }
        sb.setLength(0);
        sb.append(mbid).append('\t').append(releaseGroup);
        for (String l : labels) {
            sb.append('\t').append(l);
            labelCounts.merge(l, 1, Integer::sum);
        }
        buckets[b].write(sb.append('\n').toString());
        width = Math.max(width, labels.size());
        rows++;
    }

    int rows() {
        return rows;
    }

    /** Tracks per label, sorted by label. */
    TreeMap<String, Integer> labelCounts() {
        return labelCounts;
    }

    /** Writes the TSV and deletes the buckets. */
    void finish() throws IOException {
        close();
        try (Writer w = new BufferedWriter(Files.newBufferedWriter(file, StandardCharsets.UTF_8), 1 << 16)) {
            sb.setLength(0);
            sb.append("recordingmbid\treleasegroupmbid");
            for (int i = 1; i <= width; i++) {
                sb.append("\tgenre").append(i);
            }
            w.write(sb.append('\n').toString());
            for (int b = 0; b < BUCKETS; b++) {
                Path p = tmp.resolve(String.format("%02x", b));
                if (!Files.exists(p)) {
                    continue;
                }
                List<String> lines = new ArrayList<>(Files.readAllLines(p, StandardCharsets.UTF_8));
                // Sort by MBID (the first 36 characters); stable, so equal MBIDs keep their generation order.
                Collections.sort(lines, (x, y) -> x.substring(0, 36).compareTo(y.substring(0, 36)));
                for (String line : lines) {
                    sb.setLength(0);
                    sb.append(line);
                    int fields = 0;
                    for (int i = 0; i < line.length(); i++) {
                        if (line.charAt(i) == '\t') {
                            fields++;
                        }
                    }
                    for (int i = fields - 1; i < width; i++) {
                        sb.append('\t');
                    }
                    w.write(sb.append('\n').toString());
                }
                Files.delete(p);
            }
        }
        Files.deleteIfExists(tmp);
    }

    @Override
    public void close() throws IOException {
        for (int b = 0; b < BUCKETS; b++) {
            if (buckets[b] != null) {
                buckets[b].close();
                buckets[b] = null;
            }
        }
    }
}
