package io.genrestack.cli;

/** Thrown when a stage of a local run fails; carries the stage's name. */
final class StageFailure extends RuntimeException {
    final String stage;

    StageFailure(String stage, String message) {
        super(message);
        this.stage = stage;
    }
}
