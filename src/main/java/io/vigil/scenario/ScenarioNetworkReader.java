package io.vigil.scenario;

import io.vigil.host.ListeningPort;
import io.vigil.host.NetConnection;
import io.vigil.host.NetworkTableReader;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;

/** The TCP sockets a scenario says are open at the scenario clock's time. */
public final class ScenarioNetworkReader implements NetworkTableReader {

    private final Scenario scenario;
    private final Clock clock;

    public ScenarioNetworkReader(Scenario scenario, Clock clock) {
        this.scenario = scenario;
        this.clock = clock;
    }

    @Override
    public NetworkTable read() {
        long offset = scenario.offsetMillis(clock.instant());
        List<ListeningPort> listening = new ArrayList<>();
        List<NetConnection> connections = new ArrayList<>();
        for (Scenario.ScenarioSocket s : scenario.sockets()) {
            if (!Scenario.alive(s.from(), s.to(), offset)) {
                continue;
            }
            if (s.listening()) {
                listening.add(new ListeningPort("tcp4", s.localAddress(), s.localPort(), s.pid()));
            } else {
                connections.add(new NetConnection("tcp4", s.localAddress(), s.localPort(), s.remoteAddress(),
                        s.remotePort(), "ESTABLISHED", s.pid()));
            }
        }
        return new NetworkTable(listening, connections);
    }
}
