package io.genrestack.extractor.split;

import io.genrestack.common.model.Split;
import io.genrestack.extractor.groundtruth.GroundTruth;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A deterministic, seeded train/validation split of recordings that keeps every release group on one side
 * for all sources at once.
 *
 * <p>Method: the rows of all sources (train and validation TSVs alike) form a bipartite graph recording ↔
 * release group; its connected components are the units of the split, so a release group (and every
 * recording that carries it in any source, and every other release group those recordings carry elsewhere)
 * is never on both sides. Each component gets a key, SHA-256 of {@code "<seed>:<smallest recording MBID>"}
 * (first 8 bytes, unsigned), and the components are ordered by key (ties by the MBID). Walking that order
 * with target {@code T = round(trainFraction × recordings)}, a component of {@code n} recordings goes to TRAIN
 * when that brings the TRAIN count closer to {@code T} (i.e. {@code train + n/2 ≤ T}), else to VALIDATION.
 * So the order, and hence the split, depends only on the seed and the graph, never on input order; the
 * achieved fraction (over distinct recordings) is within half a component of the target, weighting by
 * recordings rather than by components; and a different seed gives a different split. Adding rows can move
 * the cut and therefore move some components; re-running on the same rows is bit-for-bit stable.
 */
public final class JointSplit {

    /** The baseline's train share: 80 % train, 20 % validation. */
    public static final double DEFAULT_TRAIN_FRACTION = 0.8;

    private final long seed;
    private final double trainFraction;
    private final Map<String, Split> assignments;
    private final int components;
    private final int largestComponent;
    private final long trainCount;

    private JointSplit(
            long seed,
            double trainFraction,
            Map<String, Split> assignments,
            int components,
            int largestComponent,
            long trainCount) {
        this.seed = seed;
        this.trainFraction = trainFraction;
        this.assignments = Collections.unmodifiableMap(assignments);
        this.components = components;
        this.largestComponent = largestComponent;
        this.trainCount = trainCount;
    }

    /** Splits every recording of the given ground truths (any sources, any of their official sides). */
    public static JointSplit compute(Collection<GroundTruth> truths, long seed, double trainFraction) {
        List<GroundTruth.Row> rows = new ArrayList<>();
        for (GroundTruth t : truths) {
            rows.addAll(t.rows().values());
        }
        return computeRows(rows, seed, trainFraction);
    }

    /** Splits the recordings of the given rows (of any sources). */
    public static JointSplit computeRows(Collection<GroundTruth.Row> rows, long seed, double trainFraction) {
        if (!(trainFraction >= 0.0 && trainFraction <= 1.0)) {
            throw new IllegalArgumentException("trainFraction must be in [0, 1]: " + trainFraction);
        }
        Components graph = new Components();
        rows.forEach(graph::add);
        record Unit(long key, String smallest, List<String> members) {}
        List<Unit> units = new ArrayList<>();
        int largest = 0;
        for (List<String> members : graph.recordingComponents()) {
            String smallest = Collections.min(members);
            units.add(new Unit(key(seed, smallest), smallest, members));
            largest = Math.max(largest, members.size());
        }
        units.sort(Comparator.<Unit>comparingLong(u -> u.key() ^ Long.MIN_VALUE).thenComparing(Unit::smallest));
        long target = Math.round(trainFraction * graph.recordingCount());
        long train = 0;
        Map<String, Split> out = new HashMap<>(graph.recordingCount() * 2);
        for (Unit u : units) {
            Split side = train + u.members().size() / 2.0 <= target ? Split.TRAIN : Split.VALIDATION;
            if (side == Split.TRAIN) {
                train += u.members().size();
            }
            for (String m : u.members()) {
                out.put(m, side);
            }
        }
        return new JointSplit(seed, trainFraction, out, units.size(), largest, train);
    }

    /** The component key: first 8 bytes of SHA-256("seed:mbid"). */
    static long key(long seed, String smallestMbid) {
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            byte[] d = sha.digest((seed + ":" + smallestMbid).getBytes(StandardCharsets.UTF_8));
            return ByteBuffer.wrap(d, 0, 8).getLong();
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 unavailable", e);
        }
    }

    /** Side of every recording, by recording MBID. */
    public Map<String, Split> assignments() {
        return assignments;
    }

    /** Side of a recording, or null when it has no ground-truth row. */
    public Split splitOf(String mbid) {
        return assignments.get(mbid);
    }

    /** The seed used. */
    public long seed() {
        return seed;
    }

    /** The requested train share. */
    public double trainFraction() {
        return trainFraction;
    }

    /** Number of connected components (split units). */
    public int components() {
        return components;
    }

    /** Recordings in the largest component. */
    public int largestComponent() {
        return largestComponent;
    }

    /** Recordings on the TRAIN side. */
    public long trainCount() {
        return trainCount;
    }

    /** Recordings on the VALIDATION side. */
    public long validationCount() {
        return assignments.size() - trainCount;
    }

    /** Achieved train share over distinct recordings. */
    public double achievedTrainFraction() {
        return assignments.isEmpty() ? 0.0 : (double) trainCount / assignments.size();
    }

    @Override
    public String toString() {
        return String.format(
                java.util.Locale.ROOT,
                "JointSplit[seed=%d, target=%.3f, achieved=%.4f, train=%d, validation=%d, components=%d, largest=%d]",
                seed,
                trainFraction,
                achievedTrainFraction(),
                trainCount,
                validationCount(),
                components,
                largestComponent);
    }
}
