package io.genrestack.scaler;

import io.genrestack.common.model.StageJob;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The units of scaler jobs. {@code all} is a run's job from the extractor; with more than one part it fans out into
 * {@code stats-<g>-of-<n>} (train statistics of part g's partitions, to object storage), {@code merge-of-<n>} (the
 * statistics merged once every part's are in), {@code scale-<g>-of-<n>} (part g's records standardised) and
 * {@code finish-of-<n>} (the trainer jobs, once every part is standardised).
 *
 * @param kind  {@link #ALL}, {@link #STATS}, {@link #MERGE}, {@link #SCALE} or {@link #FINISH}
 * @param part  the part (stats and scale; -1 otherwise)
 * @param parts the number of parts (1 for {@code all})
 */
record ScalerUnit(String kind, int part, int parts) {
    static final String ALL = StageJob.ALL;
    static final String STATS = "stats";
    static final String MERGE = "merge";
    static final String SCALE = "scale";
    static final String FINISH = "finish";

    private static final Pattern PART = Pattern.compile("(stats|scale)-(\\d+)-of-(\\d+)");
    private static final Pattern WHOLE = Pattern.compile("(merge|finish)-of-(\\d+)");

    static ScalerUnit stats(int part, int parts) {
        return new ScalerUnit(STATS, part, parts);
    }

    static ScalerUnit scale(int part, int parts) {
        return new ScalerUnit(SCALE, part, parts);
    }

    static ScalerUnit merge(int parts) {
        return new ScalerUnit(MERGE, -1, parts);
    }

    static ScalerUnit finish(int parts) {
        return new ScalerUnit(FINISH, -1, parts);
    }

    /** The unit of a job's unit name; an unknown name is refused. */
    static ScalerUnit parse(String unit) {
        if (ALL.equals(unit)) {
            return new ScalerUnit(ALL, -1, 1);
        }
        Matcher m = PART.matcher(unit);
        if (m.matches()) {
            int part = Integer.parseInt(m.group(2));
            int parts = Integer.parseInt(m.group(3));
            if (parts < 1 || part >= parts) {
                throw new IllegalArgumentException("scaler unit " + unit + ": part out of range");
            }
            return new ScalerUnit(m.group(1), part, parts);
        }
        m = WHOLE.matcher(unit);
        if (m.matches()) {
            return new ScalerUnit(m.group(1), -1, Integer.parseInt(m.group(2)));
        }
        throw new IllegalArgumentException("not a scaler unit: " + unit);
    }

    /** The job unit name. */
    String name() {
        return switch (kind) {
            case ALL -> ALL;
            case STATS, SCALE -> kind + "-" + part + "-of-" + parts;
            default -> kind + "-of-" + parts;
        };
    }
}
