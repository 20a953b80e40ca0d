package io.vigil.scenario;

import io.vigil.host.ProcessInfo;
import io.vigil.host.ProcessTableReader;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;

/** The processes a scenario says are alive at the scenario clock's time. */
public final class ScenarioProcessReader implements ProcessTableReader {

    private final Scenario scenario;
    private final Clock clock;

    public ScenarioProcessReader(Scenario scenario, Clock clock) {
        this.scenario = scenario;
        this.clock = clock;
    }

    @Override
    public List<ProcessInfo> read() {
        long now = clock.millis();
        long offset = scenario.offsetMillis(clock.instant());
        long loopStart = now - offset;
        List<ProcessInfo> out = new ArrayList<>();
        for (Scenario.ScenarioProcess p : scenario.processes()) {
            if (Scenario.alive(p.from(), p.to(), offset)) {
                out.add(new ProcessInfo(p.pid(), p.parentPid(), p.name(), p.user(), p.commandLine(), p.cpuPercent(),
                        p.rssBytes(), loopStart + p.from().toMillis()));
            }
        }
        return out;
    }
}
