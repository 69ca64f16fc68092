package io.genrestack.common.model;

import java.util.Arrays;

/** Equality helpers for records that carry float arrays (records compare arrays by reference otherwise). */
final class Vectors {
    private Vectors() {
    }

    static boolean eq(float[] a, float[] b) {
        return Arrays.equals(a, b); // bitwise: NaN equals NaN, as the wire format round-trips bits
    }

    static int hash(float[] a) {
        return Arrays.hashCode(a);
    }

    static String brief(float[] a) {
        return a == null ? "null" : "float[" + a.length + "]";
    }
}
