package io.genrestack.common.serde;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Base64;

/**
 * The binary encoding of float vectors on the wire (format version 1).
 *
 * <pre>
 * offset size  field
 * 0      2     magic 'G' 'V'
 * 2      1     format version (1)
 * 3      1     element type (1 = float32)
 * 4      4     element count n, little-endian int32
 * 8      4·n   the values, IEEE-754 float32, little-endian; NaN marks a missing value before scaling
 * </pre>
 *
 * Inside JSON records the bytes travel as a standard Base64 string (2669 floats → 10 684 bytes → 14 248 characters,
 * about a third of a JSON number array). {@link #decode} also accepts nothing else: a record whose vector is not in
 * this format is rejected with a clear message naming the format.
 */
public final class VectorCodec {
    private VectorCodec() {}

    public static final byte MAGIC_0 = 'G';
    public static final byte MAGIC_1 = 'V';
    public static final byte VERSION = 1;
    public static final byte TYPE_FLOAT32 = 1;
    public static final int HEADER_BYTES = 8;

    public static byte[] encode(float[] v) {
        ByteBuffer b = ByteBuffer.allocate(HEADER_BYTES + 4 * v.length).order(ByteOrder.LITTLE_ENDIAN);
        b.put(MAGIC_0).put(MAGIC_1).put(VERSION).put(TYPE_FLOAT32).putInt(v.length);
        b.asFloatBuffer().put(v);
        return b.array();
    }

    public static float[] decode(byte[] bytes) {
        if (bytes.length < HEADER_BYTES || bytes[0] != MAGIC_0 || bytes[1] != MAGIC_1) {
            throw new IllegalArgumentException("not a GenreStack vector (expected magic 'GV')");
        }
        if (bytes[2] != VERSION) {
            throw new IllegalArgumentException(
                    "unsupported vector format version " + bytes[2] + " (this build reads 1)");
        }
        if (bytes[3] != TYPE_FLOAT32) {
            throw new IllegalArgumentException("unsupported vector element type " + bytes[3]);
        }
        ByteBuffer b = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
        int n = b.getInt(4);
        if (n < 0 || bytes.length != HEADER_BYTES + 4L * n) {
            throw new IllegalArgumentException("vector length " + n + " does not match " + bytes.length + " bytes");
        }
        float[] v = new float[n];
        b.position(HEADER_BYTES);
        b.asFloatBuffer().get(v);
        return v;
    }

    public static String toBase64(float[] v) {
        return Base64.getEncoder().encodeToString(encode(v));
    }

    public static float[] fromBase64(String s) {
        return decode(Base64.getDecoder().decode(s));
    }
}
