package io.genrestack.evaluator;

/** Sorts an MBID list by index (a merge sort of int indices: no boxing, 8 bytes per track while it runs). */
final class MbidOrder {
    private MbidOrder() {}

    /** {@code order[t]} = index in {@code mbids} of the {@code t}-th smallest MBID (stable). */
    static int[] sort(MbidIndex mbids) {
        int n = mbids.size();
        int[] a = new int[n];
        for (int i = 0; i < n; i++) {
            a[i] = i;
        }
        int[] tmp = new int[n];
        for (int width = 1; width < n; width *= 2) {
            for (int lo = 0; lo < n - width; lo += 2 * width) {
                int mid = lo + width;
                int hi = Math.min(lo + 2 * width, n);
                int i = lo;
                int j = mid;
                int k = lo;
                while (i < mid && j < hi) {
                    tmp[k++] = mbids.compare(a[j], a[i]) < 0 ? a[j++] : a[i++];
                }
                while (i < mid) {
                    tmp[k++] = a[i++];
                }
                while (j < hi) {
                    tmp[k++] = a[j++];
                }
                System.arraycopy(tmp, lo, a, lo, hi - lo);
            }
        }
        return a;
    }
}
