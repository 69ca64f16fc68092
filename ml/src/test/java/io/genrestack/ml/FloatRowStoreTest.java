package io.genrestack.ml;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class FloatRowStoreTest {

    @TempDir
    Path dir;

    @Test
    void roundTripKeepsEveryBitIncludingNaNAndInfinities() throws IOException {
        Random rnd = new Random(1);
        float[][] rows = new float[1000][7];
        for (float[] r : rows) for (int j = 0; j < r.length; j++) r[j] = (float) rnd.nextGaussian();
        rows[3][2] = Float.NaN;
        rows[4][0] = Float.POSITIVE_INFINITY;
        rows[4][1] = Float.NEGATIVE_INFINITY;
        rows[5][6] = -0.0f;
        rows[999][6] = Float.MIN_VALUE;
        Path p = dir.resolve("x.f32");
        FloatRowStore.write(p, rows);

        assertEquals(FloatRowStore.HEADER_BYTES + 1000L * 7 * 4, Files.size(p));
        try (FloatRowStore s = FloatRowStore.open(p)) {
            assertEquals(1000, s.rows());
            assertEquals(7, s.cols());
            float[] dst = new float[7];
            for (int i = 0; i < rows.length; i++) {
                s.readRow(i, dst);
                for (int j = 0; j < 7; j++) {
                    assertEquals(
                            Float.floatToRawIntBits(rows[i][j]),
                            Float.floatToRawIntBits(dst[j]),
                            "row " + i + " col " + j);
                }
            }
            assertTrue(Float.isNaN(s.row(3)[2]));
            float[] wide = new float[20];
            s.readRow(4, wide, 13);
            assertEquals(Float.NEGATIVE_INFINITY, wide[14]);
            assertThrows(IndexOutOfBoundsException.class, () -> s.readRow(1000, dst));
        }
    }

    @Test
    void headerIsTheDocumentedLittleEndianLayout() throws IOException {
        Path p = dir.resolve("h.f32");
        FloatRowStore.write(p, new float[][] {{1f, 2f, 3f}, {4f, 5f, 6f}});
        ByteBuffer b = ByteBuffer.wrap(Files.readAllBytes(p)).order(ByteOrder.LITTLE_ENDIAN);
        byte[] magic = new byte[4];
        b.get(magic);
        assertEquals("GSFR", new String(magic, java.nio.charset.StandardCharsets.US_ASCII));
        assertEquals(1, b.getInt());
        assertEquals(2L, b.getLong());
        assertEquals(3, b.getInt());
        assertEquals(32, b.getInt());
        assertEquals(6f, b.getFloat(32 + 5 * 4));
    }

    @Test
    void rowsAreReadCorrectlyAcrossMappingChunks() throws IOException {
        Path p = dir.resolve("c.f32");
        float[][] rows = new float[101][5];
        for (int i = 0; i < rows.length; i++) for (int j = 0; j < 5; j++) rows[i][j] = i * 10 + j;
        FloatRowStore.write(p, rows);
        // 3 rows (60 bytes) per chunk: 34 chunks, the last one holding 2 rows
        try (FloatRowStore s = FloatRowStore.open(p, 64)) {
            for (int i = 0; i < rows.length; i++) assertArrayEquals(rows[i], s.row(i));
            FloatBuffer dst = ByteBuffer.allocateDirect(4 * 10)
                    .order(ByteOrder.nativeOrder())
                    .asFloatBuffer();
            s.copyRow(100, dst, 5);
            assertEquals(1004f, dst.get(9));
        }
    }

    @Test
    void writerBuffersManyRowsAndRejectsWrongWidth() throws IOException {
        Path p = dir.resolve("big.f32");
        int cols = 3000; // 12 kB rows: several buffer flushes
        try (FloatRowStore.Writer w = FloatRowStore.create(p, cols)) {
            float[] r = new float[cols];
            for (int i = 0; i < 500; i++) {
                java.util.Arrays.fill(r, i);
                w.append(r);
            }
            assertThrows(IllegalArgumentException.class, () -> w.append(new float[cols + 1]));
        }
        try (FloatRowStore s = FloatRowStore.open(p)) {
            assertEquals(500, s.rows());
            assertEquals(499f, s.row(499)[cols - 1]);
            assertEquals(123f, s.row(123)[0]);
        }
    }

    @Test
    void unfinishedOrForeignFilesAreRejected() throws IOException {
        Path p = dir.resolve("open.f32");
        FloatRowStore.Writer w = FloatRowStore.create(p, 4);
        w.append(new float[4]);
        IOException e = assertThrows(IOException.class, () -> FloatRowStore.open(p));
        assertTrue(e.getMessage().contains("unfinished"), e.getMessage());
        w.close();
        try (FloatRowStore s = FloatRowStore.open(p)) {
            assertEquals(1, s.rows());
        }
        Path junk = dir.resolve("junk.f32");
        Files.write(junk, new byte[64]);
        assertThrows(IOException.class, () -> FloatRowStore.open(junk));
    }
}
