package io.genrestack.evaluator;

import java.util.HashMap;
import java.util.Map;
import java.util.UUID;

/**
 * The MBIDs of one split in arrival order, compactly: a canonical MBID (lowercase 8-4-4-4-12 hex, as MusicBrainz
 * writes them) is kept as its 128 bits (16 bytes per track); any other string is kept as it is. Ordered as the
 * strings are: for two canonical MBIDs string order is the unsigned order of their bits.
 */
final class MbidIndex {
    private long[] hi = new long[1024];
    private long[] lo = new long[1024];
    private final Map<Integer, String> other = new HashMap<>();
    private int size;

    void add(String mbid) {
        if (size == hi.length) {
            hi = java.util.Arrays.copyOf(hi, size * 2);
            lo = java.util.Arrays.copyOf(lo, size * 2);
        }
        if (!parse(mbid, size)) {
            other.put(size, mbid);
        }
        size++;
    }

    int size() {
        return size;
    }

    String get(int i) {
        String s = other.get(i);
        return s != null ? s : new UUID(hi[i], lo[i]).toString();
    }

    int compare(int a, int b) {
        if (other.isEmpty() || (!other.containsKey(a) && !other.containsKey(b))) {
            int c = Long.compareUnsigned(hi[a], hi[b]);
            return c != 0 ? c : Long.compareUnsigned(lo[a], lo[b]);
        }
        return get(a).compareTo(get(b));
    }

    /** Stores a canonical MBID's bits at {@code i}; false when {@code s} is not canonical. */
    private boolean parse(String s, int i) {
        if (s.length() != 36) {
            return false;
        }
        long h = 0;
        long l = 0;
        int digits = 0;
        for (int k = 0; k < 36; k++) {
            char c = s.charAt(k);
            if (k == 8 || k == 13 || k == 18 || k == 23) {
                if (c != '-') {
                    return false;
                }
                continue;
            }
            int v = c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
            if (v < 0) {
                return false;
            }
            if (digits < 16) {
                h = (h << 4) | v;
            } else {
                l = (l << 4) | v;
            }
            digits++;
        }
        hi[i] = h;
        lo[i] = l;
        return true;
    }
}
