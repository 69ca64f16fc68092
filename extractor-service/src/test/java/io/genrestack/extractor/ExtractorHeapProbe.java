package io.genrestack.extractor;

import io.genrestack.common.Sources;
import io.genrestack.common.io.OrderedPipeline;
import io.genrestack.common.model.RunConfig;
import io.genrestack.common.model.TrainParams;
import io.genrestack.common.serde.Json;
import io.genrestack.extractor.input.InputItem;
import io.genrestack.extractor.input.InputRoots;
import io.genrestack.testkit.ForkedHeap;

import java.io.BufferedWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.UUID;

/**
 * The extractor's work at a given size, for {@link ExtractorHeapTest} in a forked JVM with a small heap: ground truth
 * of the real shape (the four sources' label counts 766 / 315 / 327 / 296, their coverage 93 / 62 / 39 / 33 % of the
 * recordings and about 4.5 / 3.1 / 2.4 / 2.9 labels per row, as in the MediaEval 2018 files) read and joint-split by
 * {@link RunSetup}, then one real low-level document per recording through {@link TrackBuilder} (duplicate index,
 * labels, flattening) and serialised as the stage publishes it. Kafka and object storage are left out; everything the
 * stage keeps per track is here.
 *
 * <p>Arguments: tracks, work directory, a real low-level JSON file, and optionally {@code hold} (a negative control
 * that keeps the feature vector of every eighth track in heap, so the test can see its check fail) and
 * {@code threads=N} (build on N workers through the stage's {@link OrderedPipeline}, its window of 2N included).
 */
public final class ExtractorHeapProbe {
    static final int[] LABELS = {766, 315, 327, 296};
    static final double[] COVERAGE = {0.93, 0.62, 0.39, 0.33};
    static final double[] LABELS_PER_ROW = {4.5, 3.1, 2.4, 2.9};

    private ExtractorHeapProbe() {}

    public static void main(String[] args) throws Exception {
        ForkedHeap.start();
        int tracks = Integer.parseInt(args[0]);
        Path dir = Files.createDirectories(Path.of(args[1]));
        byte[] doc = Files.readAllBytes(Path.of(args[2]));
        List<String> options = List.of(args).subList(3, args.length);
        boolean hold = options.contains("hold");
        int threads = options.stream()
                .filter(o -> o.startsWith("threads="))
                .mapToInt(o -> Integer.parseInt(o.substring("threads=".length())))
                .findFirst()
                .orElse(1);
        List<float[]> held = new ArrayList<>();
        Random rnd = new Random(11);
        List<String> mbids = new ArrayList<>(tracks);
        for (int t = 0; t < tracks; t++) {
            mbids.add(new UUID(rnd.nextLong(), rnd.nextLong()).toString());
        }
        List<String> groups = new ArrayList<>(); // about three recordings per release group
        for (int g = 0; g < tracks / 3 + 1; g++) {
            groups.add(new UUID(rnd.nextLong(), rnd.nextLong()).toString());
        }
        boolean[][] tagged = new boolean[Sources.ALL.size()][tracks];
        for (int t = 0; t < tracks; t++) {
            boolean any = false;
            for (int s = 0; s < tagged.length; s++) {
                // the first recording is in every source, so every vocabulary is complete
                tagged[s][t] = t == 0 || rnd.nextDouble() < COVERAGE[s];
                any |= tagged[s][t];
            }
            tagged[0][t] |= !any; // the dump has recordings only where some source tags them
        }
        for (int s = 0; s < Sources.ALL.size(); s++) {
            Path tsv = dir.resolve("acousticbrainz-mediaeval-" + Sources.ALL.get(s) + "-all.tsv");
            try (BufferedWriter w = Files.newBufferedWriter(tsv, StandardCharsets.UTF_8)) {
                w.write("recordingmbid\treleasegroupmbid\tgenre1\tgenre2\tgenre3\n");
                for (int t = 0; t < tracks; t++) {
                    if (!tagged[s][t]) {
                        continue;
                    }
                    StringBuilder row =
                            new StringBuilder(mbids.get(t)).append('\t').append(groups.get(t / 3));
                    int n = t == 0 ? LABELS[s] : 1 + rnd.nextInt((int) Math.round(2 * LABELS_PER_ROW[s] - 1));
                    for (int k = 0; k < n; k++) {
                        int label = t == 0 ? k : rnd.nextInt(LABELS[s]);
                        row.append('\t').append("genre").append(label % 32);
                        if (label >= 32) {
                            row.append("---subgenre").append(label);
                        }
                    }
                    w.write(row.append('\n').toString());
                }
            }
        }
        RunConfig cfg = new RunConfig(
                List.of(),
                List.of(dir.toString()),
                false,
                "paper",
                null,
                0.8,
                42,
                TrainParams.paperBase(),
                TrainParams.paperStacked());
        RunSetup setup = RunSetup.prepare("probe", cfg, new InputRoots(List.of(dir.toString())));
        ForkedHeap.checkpoint("setup");

        TrackBuilder builder = new TrackBuilder("probe", setup);
        long[] bytes = {0};
        long[] refused = {0};
        int[] done = {0};
        OrderedPipeline.<TrackBuilder.Outcome>run(
                threads,
                2 * threads,
                out -> {
                    for (int t = 0; t < tracks; t++) {
                        String mbid = mbids.get(t);
                        InputItem.JsonDoc d = new InputItem.JsonDoc("lowlevel/" + mbid + ".json", mbid, doc);
                        TrackBuilder.Outcome duplicate = builder.claim(d);
                        out.accept(
                                duplicate != null
                                        ? OrderedPipeline.Step.done(duplicate)
                                        : OrderedPipeline.Step.work(() -> builder.assemble(d)));
                    }
                },
                o -> {
                    int t = done[0]++;
                    if (o.track() == null) {
                        refused[0]++;
                    } else {
                        bytes[0] += Json.bytes(o.track()).length;
                        if (hold && t % 8 == 0) {
                            held.add(o.track().features());
                        }
                    }
                    if (t == tracks / 2) {
                        ForkedHeap.checkpoint("half");
                    }
                });
        System.out.printf(
                "extracted %d tracks (%d refused, %d vectors held), %.1f MB of records%n",
                tracks, refused[0], held.size(), bytes[0] / 1e6);
        if (refused[0] > 0) {
            throw new IllegalStateException(refused[0] + " documents refused; the probe's ground truth is wrong");
        }
        ForkedHeap.done();
    }
}
