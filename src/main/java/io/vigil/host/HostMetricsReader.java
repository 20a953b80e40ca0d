package io.vigil.host;

import io.vigil.telemetry.Sample;
import java.time.Instant;
import java.util.List;

/**
 * Reads the machine-wide host metrics (CPU, load, memory, swap, network rates) named in
 * {@link HostMetrics}. Rates are measured between calls. Not thread-safe.
 */
public interface HostMetricsReader {

    /** What one reading produced: samples, and problems that make the reading partial. */
    record Reading(List<Sample> samples, List<String> problems) {
        public Reading {
            samples = List.copyOf(samples);
            problems = List.copyOf(problems);
        }
    }

    Reading read(Instant now) throws Exception;
}
