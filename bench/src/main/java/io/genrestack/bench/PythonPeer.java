package io.genrestack.bench;

import io.genrestack.common.features.FeatureColumn;
import io.genrestack.common.features.Flattener;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.stream.Stream;

/**
 * Runs the Python peer ({@code bench/extractor/peer.py}: {@code json.loads} + flatten on a multiprocessing pool) on
 * the same files with the same number of workers, after handing it the manifest and the extractor's vectors of the
 * real sample files, which it must reproduce bit for bit (as 4-byte floats) before it is timed.
 */
final class PythonPeer {
    private PythonPeer() {}

    /** The peer's tracks/s over {@code files} with {@code workers} processes. */
    static double rate(Path script, Path samples, Path dir, List<Path> files, Flattener flattener, int workers)
            throws IOException, InterruptedException {
        Path work = dir.resolveSibling(dir.getFileName() + "-peer");
        Files.createDirectories(work);
        List<String> columns = new ArrayList<>();
        for (FeatureColumn c : flattener.manifest().columns()) {
            columns.add(c.name() + "\t" + c.jsonPath() + "\t" + (c.category() == null ? "" : c.category()));
        }
        Files.write(work.resolve("columns.tsv"), columns, StandardCharsets.UTF_8);
        List<String> reference = new ArrayList<>();
        try (Stream<Path> s = Files.list(samples)) {
            for (Path p : s.filter(x -> x.toString().endsWith(".json")).sorted().toList()) {
                float[] v = flattener.flatten(Files.readAllBytes(p));
                ByteBuffer b = ByteBuffer.allocate(4 * v.length).order(ByteOrder.nativeOrder());
                b.asFloatBuffer().put(v);
                reference.add(p.toAbsolutePath() + "\t" + HexFormat.of().formatHex(b.array()));
            }
        }
        Files.write(work.resolve("reference.tsv"), reference, StandardCharsets.UTF_8);
        Files.write(
                work.resolve("files.txt"),
                files.stream().map(p -> p.toAbsolutePath().toString()).toList(),
                StandardCharsets.UTF_8);
        String python = System.getenv().getOrDefault("PYTHON", "python3");
        Process p = new ProcessBuilder(
                        python,
                        script.toString(),
                        work.resolve("columns.tsv").toString(),
                        work.resolve("reference.tsv").toString(),
                        work.resolve("files.txt").toString(),
                        Integer.toString(workers))
                .redirectErrorStream(true)
                .start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        int rc = p.waitFor();
        double rate = Double.NaN;
        for (String line : out.split("\n")) {
            if (line.startsWith("peer tracks/s ")) {
                rate = Double.parseDouble(
                        line.substring("peer tracks/s ".length()).trim());
            } else if (line.startsWith("peer checked ")) {
                System.out.println("Python peer: same vectors as the extractor on the "
                        + line.substring(13).trim().replace(" files", "") + " sample files");
            }
        }
        if (rc != 0 || Double.isNaN(rate)) {
            throw new IllegalStateException("Python peer failed (exit " + rc + "):\n" + out);
        }
        return rate;
    }
}
