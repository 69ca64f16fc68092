package io.genrestack.extractor.split;

import io.genrestack.extractor.groundtruth.GroundTruth;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Connected components of the bipartite graph recording ↔ release group built from ground-truth rows of any
 * number of sources: two recordings are in one component when they share a release group in any source, and
 * a recording's different release groups in different sources are joined. Package-private helper.
 */
final class Components {

    private final Map<String, Integer> recordings = new HashMap<>();
    private final Map<String, Integer> groups = new HashMap<>();
    private final List<String> recordingIds = new ArrayList<>();
    private int[] parent = new int[1024];
    private int[] rank = new int[1024];
    private int nodes;

    /** Adds the edge of one row. */
    void add(GroundTruth.Row row) {
        int r = recordings.computeIfAbsent(row.mbid(), k -> {
            recordingIds.add(k);
            return newNode();
        });
        int g = groups.computeIfAbsent(row.releaseGroup(), k -> newNode());
        union(r, g);
    }

    private int newNode() {
        if (nodes == parent.length) {
            parent = java.util.Arrays.copyOf(parent, nodes * 2);
            rank = java.util.Arrays.copyOf(rank, nodes * 2);
        }
        parent[nodes] = nodes;
        return nodes++;
    }

    private int find(int x) {
        while (parent[x] != x) {
            parent[x] = parent[parent[x]];
            x = parent[x];
        }
        return x;
    }

    private void union(int a, int b) {
        int ra = find(a);
        int rb = find(b);
        if (ra == rb) {
            return;
        }
        if (rank[ra] < rank[rb]) {
            parent[ra] = rb;
        } else if (rank[ra] > rank[rb]) {
            parent[rb] = ra;
        } else {
            parent[rb] = ra;
            rank[ra]++;
        }
    }

    /** Recording MBIDs grouped by component (each list in insertion order); component order unspecified. */
    List<List<String>> recordingComponents() {
        Map<Integer, List<String>> byRoot = new HashMap<>();
        for (String id : recordingIds) {
            byRoot.computeIfAbsent(find(recordings.get(id)), k -> new ArrayList<>())
                    .add(id);
        }
        return new ArrayList<>(byRoot.values());
    }

    /** Number of distinct recordings added. */
    int recordingCount() {
        return recordingIds.size();
    }
}
