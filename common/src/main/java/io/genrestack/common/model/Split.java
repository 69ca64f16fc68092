package io.genrestack.common.model;

/** Which side of the run's train/validation split a track is on (the same side for every source). */
public enum Split {
    TRAIN,
    VALIDATION
}
