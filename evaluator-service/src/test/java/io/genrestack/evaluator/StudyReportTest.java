package io.genrestack.evaluator;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

/**
 * {@link StudyReport.Summary}: mean, sample standard deviation, min and max, against a tiny case by hand and against
 * Python's {@code statistics} module (exact rational arithmetic) on random values.
 */
class StudyReportTest {
    @Test
    void tinyCaseByHand() {
        // 0.6, 0.8, 1.0: mean 0.8, squared deviations 0.04 + 0 + 0.04 = 0.08, / (3 - 1) = 0.04, sd 0.2
        StudyReport.Summary s = StudyReport.Summary.of(Arrays.asList(0.6, null, 0.8, 1.0));
        assertEquals(3, s.n(), "the null value is left out");
        assertEquals(0.8, s.mean(), 1e-15);
        assertEquals(0.2, s.sd(), 1e-15);
        assertEquals(0.6, s.min());
        assertEquals(1.0, s.max());
    }

    @Test
    void oneOrNoValue() {
        StudyReport.Summary one = StudyReport.Summary.of(List.of(0.75));
        assertEquals(1, one.n());
        assertEquals(0.75, one.mean());
        assertNull(one.sd(), "no sample standard deviation of one value");
        StudyReport.Summary none = StudyReport.Summary.of(Arrays.asList((Double) null));
        assertEquals(0, none.n());
        assertNull(none.mean());
        assertNull(none.min());
    }

    @Test
    void matchesPythonStatistics() throws Exception {
        Random rnd = new Random(7);
        for (int n : new int[] {2, 3, 5, 20}) {
            List<Double> v = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                v.add(0.7 + 0.2 * rnd.nextDouble());
            }
            String list = v.stream().map(d -> Double.toString(d)).collect(Collectors.joining(","));
            String[] py = python("import statistics as s; v=[" + list + "]; "
                            + "print(repr(s.mean(v)), repr(s.stdev(v)), repr(min(v)), repr(max(v)))")
                    .trim()
                    .split(" ");
            StudyReport.Summary s = StudyReport.Summary.of(v);
            assertEquals(n, s.n());
            assertEquals(Double.parseDouble(py[0]), s.mean(), 1e-14, "mean of " + n);
            assertEquals(Double.parseDouble(py[1]), s.sd(), 1e-13, "sd of " + n);
            assertEquals(Double.parseDouble(py[2]), s.min(), "min of " + n);
            assertEquals(Double.parseDouble(py[3]), s.max(), "max of " + n);
        }
    }

    private static String python(String code) throws IOException, InterruptedException {
        Process p = new ProcessBuilder("python3", "-c", code)
                .redirectErrorStream(true)
                .start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, p.waitFor(), "python3: " + out);
        return out;
    }
}
