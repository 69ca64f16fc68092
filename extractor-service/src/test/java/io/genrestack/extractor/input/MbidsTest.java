package io.genrestack.extractor.input;

import org.junit.jupiter.api.Test;

import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class MbidsTest {

    @Test
    void fileNamesWithAndWithoutSubmissionSuffix() {
        assertEquals(
                Optional.of("00c47ea6-3a10-4a32-b1f1-990ac756c6a0"),
                Mbids.fromFileName("00c47ea6-3a10-4a32-b1f1-990ac756c6a0-41.json"));
        assertEquals(
                Optional.of("00c47ea6-3a10-4a32-b1f1-990ac756c6a0"),
                Mbids.fromFileName("00c47ea6-3a10-4a32-b1f1-990ac756c6a0.json"));
        assertEquals(
                Optional.of("00c47ea6-3a10-4a32-b1f1-990ac756c6a0"),
                Mbids.fromFileName("00C47EA6-3A10-4A32-B1F1-990AC756C6A0-0.JSON"));
    }

    @Test
    void nonMbidNamesAreRefused() {
        assertEquals(Optional.empty(), Mbids.fromFileName("335679c30222c2b482337ef4570fe758.json"));
        assertEquals(Optional.empty(), Mbids.fromFileName("sample.json"));
        assertEquals(Optional.empty(), Mbids.fromFileName("00c47ea6-3a10-4a32-b1f1-990ac756c6a0-x.json"));
        assertEquals(Optional.empty(), Mbids.fromFileName("00c47ea6-3a10-4a32-b1f1-990ac756c6a0-.json"));
        assertEquals(Optional.empty(), Mbids.fromFileName("00c47ea6-3a10-4a32-b1f1-990ac756c6a.json"));
        assertEquals(Optional.empty(), Mbids.fromFileName("00c47ea6-3a10-4a32-b1f1-990ac756c6a0.txt"));
        assertEquals(Optional.empty(), Mbids.fromFileName("x00c47ea6-3a10-4a32-b1f1-990ac756c6a0.json"));
        assertEquals(Optional.empty(), Mbids.fromFileName(".json"));
    }

    @Test
    void validation() {
        assertTrue(Mbids.isValid("be9e01e5-8f93-494d-bbaa-ddcc5a52f629"));
        assertFalse(Mbids.isValid("be9e01e5-8f93-494d-bbaa-ddcc5a52f629 "));
        assertFalse(Mbids.isValid("be9e01e58f93494dbbaaddcc5a52f629"));
        assertFalse(Mbids.isValid("recordingmbid"));
        assertEquals(
                Optional.of("be9e01e5-8f93-494d-bbaa-ddcc5a52f629"),
                Mbids.normalize("BE9E01E5-8F93-494D-BBAA-DDCC5A52F629"));
    }
}
