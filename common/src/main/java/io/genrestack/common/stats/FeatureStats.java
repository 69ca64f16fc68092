package io.genrestack.common.stats;

import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.Arrays;

/**
 * Per-feature streaming statistics in double precision: count of present values, count of missing (NaN) values,
 * mean and sum of squared deviations (M2), updated with Welford's method and merged with Chan et al.'s pairwise
 * formula, so statistics computed on parts (partitions, instances) merge to the single-pass result up to rounding.
 * Only TRAIN vectors are ever added (no leakage from validation into the scaling).
 */
public final class FeatureStats {
    private static final int MAGIC = 0x47535431; // "GST1"

    private final int size;
    private final long[] count;
    private final long[] missing;
    private final double[] mean;
    private final double[] m2;
    private long vectors;

    public FeatureStats(int size) {
        this.size = size;
        this.count = new long[size];
        this.missing = new long[size];
        this.mean = new double[size];
        this.m2 = new double[size];
    }

    public int size() {
        return size;
    }

    /** Vectors added. */
    public long vectors() {
        return vectors;
    }

    public void add(float[] v) {
        if (v.length != size) {
            throw new IllegalArgumentException("vector has " + v.length + " values, statistics have " + size);
        }
        vectors++;
        for (int i = 0; i < size; i++) {
            float x = v[i];
            if (Float.isNaN(x)) {
                missing[i]++;
                continue;
            }
            long n = ++count[i];
            double d = x - mean[i];
            mean[i] += d / n;
            m2[i] += d * (x - mean[i]);
        }
    }

    /** Merges other into this (Chan et al.). */
    public void merge(FeatureStats other) {
        if (other.size != size) {
            throw new IllegalArgumentException("cannot merge statistics of " + other.size + " into " + size);
        }
        vectors += other.vectors;
        for (int i = 0; i < size; i++) {
            missing[i] += other.missing[i];
            long nb = other.count[i];
            if (nb == 0) {
                continue;
            }
            long na = count[i];
            if (na == 0) {
                count[i] = nb;
                mean[i] = other.mean[i];
                m2[i] = other.m2[i];
                continue;
            }
            long n = na + nb;
            double d = other.mean[i] - mean[i];
            mean[i] += d * nb / n;
            m2[i] += other.m2[i] + d * d * ((double) na * nb / n);
            count[i] = n;
        }
    }

    public long count(int i) {
        return count[i];
    }

    public long missing(int i) {
        return missing[i];
    }

    public double mean(int i) {
        return mean[i];
    }

    /** Population standard deviation (divides by n, as scikit-learn's StandardScaler). */
    public double std(int i) {
        return count[i] == 0 ? 0 : Math.sqrt(m2[i] / count[i]);
    }

    public double[] means() {
        return Arrays.copyOf(mean, size);
    }

    public double[] stds() {
        double[] s = new double[size];
        for (int i = 0; i < size; i++) {
            s[i] = std(i);
        }
        return s;
    }

    public byte[] toBytes() {
        try {
            ByteArrayOutputStream bos = new ByteArrayOutputStream(16 + size * 32);
            DataOutputStream out = new DataOutputStream(bos);
            out.writeInt(MAGIC);
            out.writeInt(size);
            out.writeLong(vectors);
            for (int i = 0; i < size; i++) {
                out.writeLong(count[i]);
                out.writeLong(missing[i]);
                out.writeDouble(mean[i]);
                out.writeDouble(m2[i]);
            }
            out.flush();
            return bos.toByteArray();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    public static FeatureStats fromBytes(byte[] bytes) {
        try (DataInputStream in = new DataInputStream(new java.io.ByteArrayInputStream(bytes))) {
            if (in.readInt() != MAGIC) {
                throw new IllegalArgumentException("not a GenreStack statistics file (magic GST1)");
            }
            FeatureStats s = new FeatureStats(in.readInt());
            s.vectors = in.readLong();
            for (int i = 0; i < s.size; i++) {
                s.count[i] = in.readLong();
                s.missing[i] = in.readLong();
                s.mean[i] = in.readDouble();
                s.m2[i] = in.readDouble();
            }
            return s;
        } catch (IOException e) {
            // an EOFException has no message: say how long the file is and how long its header says it must be
            String expected = bytes.length >= 8
                    ? ", its header announces " + ByteBuffer.wrap(bytes, 4, 4).getInt() + " features = "
                            + (16L + 32L * ByteBuffer.wrap(bytes, 4, 4).getInt()) + " bytes"
                    : "";
            throw new IllegalArgumentException("truncated statistics file: " + bytes.length + " bytes" + expected, e);
        }
    }
}
