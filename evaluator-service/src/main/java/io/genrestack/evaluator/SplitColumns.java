package io.genrestack.evaluator;

/**
 * One split of one source's predictions, read one label column at a time, tracks always in MBID order (track index
 * = rank of its MBID), so every figure is the same whatever order the records arrived in. {@link SourceEvaluation}
 * needs nothing else: a column store on disk ({@link ColumnStore}) and the in-memory matrices
 * ({@link SourcePredictions.SplitMatrix}) give the same report.
 */
public interface SplitColumns {
    int tracks();

    /** The truth of {@code label} for every track, into {@code out[0..tracks)}. */
    void truth(int label, boolean[] out);

    /** The base ({@code stacked == false}) or stacked model's scores of {@code label}, into {@code out[0..tracks)}. */
    void scores(boolean stacked, int label, float[] out);

    /** The recording MBID of track {@code track} (ascending with the index). */
    String mbid(int track);
}
