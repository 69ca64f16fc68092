package io.genrestack.ml;

/**
 * Outcome of one training epoch (epochs are numbered from 1).
 *
 * @param epoch epoch number, 1-based
 * @param trainLoss mean training binary cross-entropy over the epoch's samples (dropout on, weights moving)
 * @param valLoss mean validation binary cross-entropy (dropout off, end-of-epoch weights)
 * @param samplesPerSecond training samples per second in the training phase
 * @param seconds wall time of the epoch including validation
 * @param best whether this epoch improved the best validation loss so far
 */
public record EpochReport(
        int epoch, double trainLoss, double valLoss, double samplesPerSecond, double seconds, boolean best) {}
