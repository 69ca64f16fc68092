package io.genrestack.extractor.split;

/** The side of the train/validation split a recording is on. */
public enum Split {
    TRAIN,
    VALIDATION
}
