package io.genrestack.common.model;

/**
 * Hyper-parameters of one model family (base or stacked). Defaults are the paper's: Dropout .5, Dense 256 ReLU,
 * Dropout .5, Dense n sigmoid; Adam 1e-3; batch 32; up to 100 epochs; early stopping on validation loss, patience 4.
 *
 * @param hidden hidden units; 0 = no hidden layer (the stacked model: Dropout → Dense n)
 */
public record TrainParams(int hidden, double dropout, double learningRate, int batchSize, int maxEpochs, int patience) {

    public static TrainParams paperBase() {
        return new TrainParams(256, 0.5, 1e-3, 32, 100, 4);
    }

    public static TrainParams paperStacked() {
        return new TrainParams(0, 0.5, 1e-3, 32, 100, 4);
    }

    public TrainParams withMaxEpochs(int epochs) {
        return new TrainParams(hidden, dropout, learningRate, batchSize, epochs, patience);
    }
}
