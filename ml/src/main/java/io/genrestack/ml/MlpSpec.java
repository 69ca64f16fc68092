package io.genrestack.ml;

/**
 * Shape and regularisation of the paper's multi-label MLP.
 *
 * <p>With {@code hiddenDim > 0} the network is {@code input → Dropout → Dense(hiddenDim, ReLU) → Dropout →
 * Dense(nLabels)} (the per-source model of Oramas et al., hidden 256). With {@code hiddenDim == 0} it is
 * {@code input → Dropout → Dense(nLabels)} (the stacked model on the concatenated 256-d activations). The last
 * layer produces logits; probabilities are their sigmoid.
 *
 * @param inputDim number of input features
 * @param hiddenDim width of the ReLU hidden layer, or 0 for no hidden layer
 * @param nLabels number of output labels (sigmoid units)
 * @param dropout dropout rate applied before each dense layer (0.5 in the paper)
 * @param initScale weights are drawn uniformly from ±initScale (0.05, Keras' old default); biases start at zero
 */
public record MlpSpec(int inputDim, int hiddenDim, int nLabels, double dropout, double initScale) {

    /** Hidden width used by the paper's per-source models. */
    public static final int PAPER_HIDDEN = 256;

    public MlpSpec {
        if (inputDim <= 0) throw new IllegalArgumentException("inputDim must be > 0: " + inputDim);
        if (hiddenDim < 0) throw new IllegalArgumentException("hiddenDim must be >= 0: " + hiddenDim);
        if (nLabels <= 0) throw new IllegalArgumentException("nLabels must be > 0: " + nLabels);
        if (!(dropout >= 0 && dropout < 1)) throw new IllegalArgumentException("dropout must be in [0,1): " + dropout);
        if (!(initScale > 0)) throw new IllegalArgumentException("initScale must be > 0: " + initScale);
    }

    /** The paper's per-source model: hidden 256, dropout 0.5, uniform ±0.05 init. */
    public static MlpSpec paper(int inputDim, int nLabels) {
        return new MlpSpec(inputDim, PAPER_HIDDEN, nLabels, 0.5, 0.05);
    }

    /** The stacked model: no hidden layer, dropout 0.5 then a dense sigmoid layer. */
    public static MlpSpec stacked(int inputDim, int nLabels) {
        return new MlpSpec(inputDim, 0, nLabels, 0.5, 0.05);
    }

    /** Whether the network has a hidden layer (and therefore activations to extract). */
    public boolean hasHidden() {
        return hiddenDim > 0;
    }

    /** Number of trainable scalars: weights plus biases of each dense layer. */
    public long parameterCount() {
        long in = inputDim;
        long h = hiddenDim;
        long n = nLabels;
        return h == 0 ? in * n + n : in * h + h + h * n + n;
    }

    public MlpSpec withDropout(double d) {
        return new MlpSpec(inputDim, hiddenDim, nLabels, d, initScale);
    }

    public MlpSpec withHiddenDim(int h) {
        return new MlpSpec(inputDim, h, nLabels, dropout, initScale);
    }
}
