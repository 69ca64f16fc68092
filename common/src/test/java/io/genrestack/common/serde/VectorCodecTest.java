package io.genrestack.common.serde;

import org.junit.jupiter.api.Test;

import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class VectorCodecTest {

    @Test
    void roundTripKeepsEveryBitIncludingNaNAndInfinities() {
        Random rnd = new Random(7);
        float[] v = new float[2669];
        for (int i = 0; i < v.length; i++) {
            v[i] = (float) rnd.nextGaussian() * 1e3f;
        }
        v[0] = Float.NaN;
        v[1] = Float.POSITIVE_INFINITY;
        v[2] = -0.0f;
        v[3] = Float.MIN_VALUE;
        v[4] = Float.MAX_VALUE;
        byte[] bytes = VectorCodec.encode(v);
        assertEquals(8 + 4 * 2669, bytes.length);
        float[] back = VectorCodec.decode(bytes);
        assertEquals(v.length, back.length);
        for (int i = 0; i < v.length; i++) {
            assertEquals(Float.floatToRawIntBits(v[i]), Float.floatToRawIntBits(back[i]), "index " + i);
        }
        assertTrue(Float.isNaN(VectorCodec.fromBase64(VectorCodec.toBase64(v))[0]));
    }

    @Test
    void layoutIsLittleEndianWithHeader() {
        byte[] b = VectorCodec.encode(new float[] {1.0f});
        // 'G' 'V' version 1, type 1, length 1 (LE), 1.0f = 0x3f800000 (LE: 00 00 80 3f)
        assertArrayEquals(new byte[] {'G', 'V', 1, 1, 1, 0, 0, 0, 0, 0, (byte) 0x80, 0x3f}, b);
    }

    @Test
    void rejectsForeignOrTruncatedBytes() {
        assertThrows(IllegalArgumentException.class, () -> VectorCodec.decode(new byte[] {1, 2, 3}));
        byte[] b = VectorCodec.encode(new float[] {1, 2, 3});
        byte[] cut = java.util.Arrays.copyOf(b, b.length - 1);
        var e = assertThrows(IllegalArgumentException.class, () -> VectorCodec.decode(cut));
        assertTrue(e.getMessage().contains("does not match"), e.getMessage());
        b[2] = 9;
        assertThrows(IllegalArgumentException.class, () -> VectorCodec.decode(b));
    }

    @Test
    void jsonCarriesVectorsAsBase64AndReadsBothForms() throws Exception {
        float[] v = {1.5f, Float.NaN, -2f};
        record Holder(float[] v) {}
        String wire = Json.MAPPER.writeValueAsString(new Holder(v));
        assertTrue(wire.startsWith("{\"v\":\"R1YB"), wire); // base64 of 'G' 'V' 1
        float[] back = Json.MAPPER.readValue(wire, Holder.class).v();
        assertEquals(3, back.length);
        assertTrue(Float.isNaN(back[1]));
        String readable = Json.READABLE.writeValueAsString(new Holder(v));
        assertTrue(readable.contains("\"NaN\""), readable);
        float[] fromArray = Json.MAPPER.readValue(readable, Holder.class).v();
        assertEquals(-2f, fromArray[2]);
        assertTrue(Float.isNaN(fromArray[1]));
    }
}
