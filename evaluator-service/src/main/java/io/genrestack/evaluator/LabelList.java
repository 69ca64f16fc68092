package io.genrestack.evaluator;

import java.util.List;

/**
 * A source's label vocabulary as the extractor stores it ({@code runs/<run>/labels/<source>.json},
 * {@code {"source":..,"labels":[..]}}): label index = score column.
 */
public record LabelList(String source, List<String> labels) {
}
