package io.genrestack.cli.synth;

/**
 * Fast, deterministic formatting of doubles as JSON numbers with 7 significant digits (plain notation for
 * decimal exponents -4..6, otherwise {@code d.dddddde-XX}). It uses only IEEE-exact operations
 * (multiplication/division by correctly rounded powers of ten, {@link StrictMath#log10}), so the text is the same on
 * every JVM; it is several times faster than shortest-representation float formatting, which dominated the
 * generator's run time.
 */
final class Num {
    private static final int OFF = 64;
    private static final double[] POW10 = new double[2 * OFF + 1];

    static {
        for (int k = -OFF; k <= OFF; k++) {
            POW10[k + OFF] = Double.parseDouble("1e" + k);
        }
    }

    private Num() {}

    private static long mantissa(double v, int e) {
        int k = 6 - e;
        return k >= 0 ? Math.round(v * POW10[k + OFF]) : Math.round(v / POW10[-k + OFF]);
    }

    /** Writes {@code v} into {@code buf} (at least 24 chars) and returns the length. {@code v} must be finite. */
    static int format(double v, char[] buf) {
        if (!Double.isFinite(v)) {
            throw new IllegalArgumentException("not finite: " + v);
        }
        int pos = 0;
        if (v == 0) {
            buf[0] = '0';
            buf[1] = '.';
            buf[2] = '0';
            return 3;
        }
        if (v < 0) {
            buf[pos++] = '-';
            v = -v;
        }
        // Decimal exponent estimated from the binary one (floor(b·log10 2)), then corrected.
        int e = (int) Math.floor(Math.getExponent(v) * 0.30102999566398120);
        e = Math.max(-OFF + 7, Math.min(OFF - 7, e));
        long m = mantissa(v, e);
        for (int guard = 0; guard < 4 && (m >= 10_000_000L || m < 1_000_000L); guard++) {
            e += m >= 10_000_000L ? 1 : -1;
            m = mantissa(v, e);
        }
        m = Math.max(1_000_000L, Math.min(9_999_999L, m));
        char[] d = new char[7];
        for (int i = 6; i >= 0; i--) {
            d[i] = (char) ('0' + (m % 10));
            m /= 10;
        }
        int nd = 7;
        while (nd > 1 && d[nd - 1] == '0') {
            nd--;
        }
        if (e >= -4 && e <= 6) {
            if (e >= 0) {
                for (int i = 0; i <= e; i++) {
                    buf[pos++] = i < nd ? d[i] : '0';
                }
                buf[pos++] = '.';
                if (nd > e + 1) {
                    for (int i = e + 1; i < nd; i++) {
                        buf[pos++] = d[i];
                    }
                } else {
                    buf[pos++] = '0';
                }
            } else {
                buf[pos++] = '0';
                buf[pos++] = '.';
                for (int i = 0; i < -e - 1; i++) {
                    buf[pos++] = '0';
                }
                for (int i = 0; i < nd; i++) {
                    buf[pos++] = d[i];
                }
            }
        } else {
            buf[pos++] = d[0];
            buf[pos++] = '.';
            if (nd > 1) {
                for (int i = 1; i < nd; i++) {
                    buf[pos++] = d[i];
                }
            } else {
                buf[pos++] = '0';
            }
            buf[pos++] = 'e';
            int x = e;
            if (x < 0) {
                buf[pos++] = '-';
                x = -x;
            }
            if (x >= 10) {
                buf[pos++] = (char) ('0' + x / 10);
            }
            buf[pos++] = (char) ('0' + x % 10);
        }
        return pos;
    }

    static String toString(double v) {
        char[] b = new char[32];
        return new String(b, 0, format(v, b));
    }
}
