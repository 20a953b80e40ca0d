package io.vigil.scenario;

import io.vigil.host.HostMetricsReader;
import java.time.Instant;
import java.util.List;

/** Host metrics ({@code host.*} curves) of a scenario, at the scenario clock's time. */
public final class ScenarioHostReader implements HostMetricsReader {

    private final Scenario scenario;

    public ScenarioHostReader(Scenario scenario) {
        this.scenario = scenario;
    }

    @Override
    public Reading read(Instant now) {
        return new Reading(scenario.samplesOf("host.", now, true), List.of());
    }
}
