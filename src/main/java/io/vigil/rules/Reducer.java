package io.vigil.rules;

import io.vigil.telemetry.SeriesPoints;

/** Folds the points of a window into one value. */
public enum Reducer {
    AVG, MAX, MIN, LAST;

    /** The reduced value, or NaN for no points. */
    public double apply(SeriesPoints p) {
        if (p.isEmpty()) {
            return Double.NaN;
        }
        return switch (this) {
            case LAST -> p.lastValue();
            case MAX -> p.max();
            case MIN -> p.min();
            case AVG -> {
                double sum = 0;
                for (int i = 0; i < p.size(); i++) {
                    sum += p.values()[i];
                }
                yield sum / p.size();
            }
        };
    }
}
