package io.genrestack.common.model;

/**
 * The two kinds of model of a source: the {@link #BASE} MLP trained on the features, and the {@link #STACKED} model
 * trained on every base model's activations. Used in object keys ({@code runs/<run>/models/<source>/<kind>/}) and in
 * job object names ({@link StageJob#model(String, String)}).
 */
public final class ModelKind {
    private ModelKind() {}

    public static final String BASE = "base";
    public static final String STACKED = "stacked";
}
