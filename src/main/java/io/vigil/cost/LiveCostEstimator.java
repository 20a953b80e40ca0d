package io.vigil.cost;

import io.vigil.gpu.GpuReading;
import io.vigil.gpu.GpuSnapshot;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Turns GPU readings into a cost per hour per GPU: its share of the instance's on-demand price
 * (billed whether the GPU is busy or idle) plus its power at the electricity price. The power is the
 * energy counter's increase since the previous reading of the same GPU (by UUID) divided by the time
 * between the readings, so a 1 s poll sees the average rather than one instant; when there is no
 * counter, or it went backwards (driver reloaded), the instantaneous power reading is used.
 * Keeps the previous counter per GPU; one instance per source; thread-safe.
 */
public final class LiveCostEstimator {

    private record Counter(long epochMillis, long millijoules) {
    }

    private final Map<String, Counter> previous = new HashMap<>();

    /** The estimate for {@code snapshot}; {@code price} empty means the GPU-hour part is 0. */
    public synchronized LiveCost estimate(GpuSnapshot snapshot, Optional<GpuPrice> price, double usdPerKwh,
                                          String instanceType, String instanceTypeNote) {
        double perGpuHour = price.map(GpuPrice::usdPerGpuHour).orElse(0.0);
        List<GpuCost> gpus = new ArrayList<>();
        double total = 0;
        Map<String, Counter> seen = new HashMap<>();
        for (GpuReading g : snapshot.gpus()) {
            String key = g.uuid().isEmpty() ? "#" + g.index() : g.uuid();
            double watts = 0;
            GpuCost.PowerSource from = GpuCost.PowerSource.NONE;
            if (!g.lost()) {
                Counter before = previous.get(key);
                if (g.energyMillijoules().isPresent()) {
                    Counter now = new Counter(snapshot.epochMillis(), g.energyMillijoules().getAsLong());
                    seen.put(key, now);
                    long dt = before == null ? 0 : now.epochMillis() - before.epochMillis();
                    long dE = before == null ? -1 : now.millijoules() - before.millijoules();
                    if (dt > 0 && dE >= 0) {
                        watts = (double) dE / dt; // mJ per ms is J per s
                        from = GpuCost.PowerSource.ENERGY_COUNTER;
                    }
                }
                if (from == GpuCost.PowerSource.NONE && g.powerWatts().isPresent()) {
                    watts = g.powerWatts().getAsDouble();
                    from = GpuCost.PowerSource.POWER_READING;
                }
            }
            double energy = watts / 1000.0 * usdPerKwh;
            GpuCost c = new GpuCost(g.index(), g.uuid(), perGpuHour + energy, perGpuHour, energy, watts, from);
            gpus.add(c);
            total += c.usdPerHour();
        }
        // GPUs not in this reading are forgotten: a card that comes back starts a fresh counter.
        previous.clear();
        previous.putAll(seen);
        return new LiveCost(snapshot.epochMillis(), gpus, total, instanceType, instanceTypeNote, price, usdPerKwh);
    }
}
