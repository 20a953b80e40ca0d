package io.vigil.fleet;

import io.vigil.telemetry.SeriesPoints;
import java.time.Instant;

/**
 * Where the fleet is read from: Prometheus (through its HTTP API) or a recorded scenario. The
 * {@link FleetSource} calls {@link #read} once per poll on a source thread; views call
 * {@link #history} from a background thread, never the FX thread. Implementations report a failure
 * a user can act on as a {@link FleetException}.
 */
public interface FleetReader extends AutoCloseable {

    /** Where this reader reads from, for the status bar and {@code vigil fleet}. */
    String origin();

    /** The whole fleet now: nodes, their health and their GPUs. */
    FleetSnapshot read(Instant now) throws FleetException;

    /**
     * One GPU's history of {@code metric} between {@code start} and {@code end}, at most
     * {@code maxPoints} points (a chart asks for its pixel width). History lives in Prometheus; Vigil
     * does not copy it.
     */
    SeriesPoints history(String node, String gpuUuid, FleetMetric metric, Instant start, Instant end, int maxPoints)
            throws FleetException;

    @Override
    default void close() {
    }
}
