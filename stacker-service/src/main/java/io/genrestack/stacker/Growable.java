package io.genrestack.stacker;

import java.util.Arrays;

/** Growable primitive arrays for the stacker's per-track bookkeeping (no boxing: 1.77 M tracks at full size). */
final class Growable {
    private Growable() {}

    /** Growable int array. */
    static final class Ints {
        private int[] a = new int[1024];
        private int n;

        void add(int v) {
            if (n == a.length) {
                a = Arrays.copyOf(a, a.length * 2);
            }
            a[n++] = v;
        }

        int get(int i) {
            return a[i];
        }

        int size() {
            return n;
        }

        int[] toArray() {
            return Arrays.copyOf(a, n);
        }
    }

    /** Growable byte array. */
    static final class Bytes {
        private byte[] a = new byte[1024];
        private int n;

        void add(byte v) {
            if (n == a.length) {
                a = Arrays.copyOf(a, a.length * 2);
            }
            a[n++] = v;
        }

        byte get(int i) {
            return a[i];
        }
    }
}
