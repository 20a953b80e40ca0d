package io.vigil.scenario;

import io.vigil.host.HostMetricsReader;
import io.vigil.telemetry.Sample;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/** Host metrics ({@code host.*} curves) of a scenario, at the scenario clock's time. */
public final class ScenarioHostReader implements HostMetricsReader {

    private final Scenario scenario;

    public ScenarioHostReader(Scenario scenario) {
        this.scenario = scenario;
    }

    @Override
    public Reading read(Instant now) {
        long offset = scenario.offsetMillis(now);
        List<Sample> out = new ArrayList<>();
        scenario.series().forEach((id, curve) -> {
            if (id.name().startsWith("host.")) {
                out.add(Sample.of(id, now.toEpochMilli(), Math.max(0, curve.at(offset))));
            }
        });
        return new Reading(out, List.of());
    }
}
