package io.vigil.alerts;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;

import io.vigil.rules.Severity;
import io.vigil.telemetry.ManualClock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** Which alerts colour which value, and how the open ones are counted. */
class AlertMarksTest {

    private static final Instant NOW = Instant.parse("2026-11-30T09:00:00Z");

    private static Alert alert(long id, String metric, Map<String, String> labels, AlertState state, Severity sev,
                               Instant silencedUntil) {
        return new Alert(id, "k" + id, "r" + id, sev, "subject " + id, labels, 1, state, NOW, NOW, NOW, silencedUntil,
                "", "", metric, "test");
    }

    @Test
    void theWorstMatchingAlertSetsTheTone() {
        AlertMarks m = AlertMarks.of(List.of(
                alert(1, "gpu.temperature_c{gpu=\"2\"}", Map.of("gpu", "2"), AlertState.PENDING, Severity.CRITICAL, null),
                alert(2, "gpu.temperature_c{gpu=\"3\"}", Map.of("gpu", "3"), AlertState.FIRING, Severity.CRITICAL, null),
                alert(3, "gpu.temperature_c{node=\"n1\",gpu=\"GPU-x\"}", Map.of("node", "n1", "gpu", "GPU-x"),
                        AlertState.FIRING, Severity.CRITICAL, null),
                alert(4, "", Map.of("pid", "77", "gpu", "2"), AlertState.FIRING, Severity.WARNING, null),
                alert(5, "host.cpu.percent", Map.of(), AlertState.FIRING, Severity.INFO, null)), NOW);

        assertEquals(AlertTone.WARNING, m.forMetric("gpu.temperature_c", Map.of("gpu", "2")).tone(), "pending: amber");
        assertEquals(AlertTone.CRITICAL, m.forMetric("gpu.temperature_c", Map.of("gpu", "3")).tone(), "firing critical: red");
        assertEquals(AlertTone.NONE, m.forMetric("gpu.temperature_c", Map.of("gpu", "0")).tone());
        assertEquals(AlertTone.CRITICAL, m.forMetric("gpu.temperature_c", Map.of()).tone(), "any series of the name");
        assertEquals(AlertTone.CRITICAL, m.forMetric("gpu.temperature_c", Map.of("node", AlertMarks.ABSENT)).tone());
        assertEquals(2, m.forMetric("gpu.temperature_c", Map.of("node", AlertMarks.ABSENT)).open(),
                "the fleet node's alert is not this machine's");
        assertEquals(AlertTone.WARNING, m.forLabels(Map.of("gpu", "2")).tone(), "by subject: the metric and the pid alert");
        assertEquals(2, m.forLabels(Map.of("gpu", "2")).open());
        assertEquals(AlertTone.WARNING, m.forLabels(Map.of("pid", "77")).tone());
        assertEquals(AlertTone.NONE, m.forMetric("host.cpu.percent", Map.of()).tone(), "informational alerts do not colour");
        assertEquals("firing critical: r2 — subject 2", m.forMetric("gpu.temperature_c", Map.of("gpu", "3")).describe());
    }

    @Test
    void aFleetAlertFoldedPerNodeMarksEachGpuItLists() {
        // One alert for a node's hot GPUs (ADR 0730): its series is the worst GPU's, its gpu label lists them all.
        AlertMarks m = AlertMarks.of(List.of(alert(1, "gpu.temperature_c{node=\"n1\",gpu=\"GPU-b\"}",
                Map.of("node", "n1", "gpu", "GPU-a,GPU-b,GPU-c", "pid", "41,42"), AlertState.FIRING, Severity.CRITICAL,
                null)), NOW);
        for (String gpu : List.of("GPU-a", "GPU-b", "GPU-c")) {
            assertEquals(AlertTone.CRITICAL, m.forLabels(Map.of("node", "n1", "gpu", gpu)).tone(), gpu);
            assertEquals(AlertTone.CRITICAL, m.forMetric("gpu.temperature_c", Map.of("node", "n1", "gpu", gpu)).tone(), gpu);
        }
        assertEquals(AlertTone.CRITICAL, m.forLabels(Map.of("pid", "42")).tone());
        assertEquals(AlertTone.NONE, m.forLabels(Map.of("node", "n1", "gpu", "GPU-d")).tone(), "not listed");
        assertEquals(AlertTone.NONE, m.forLabels(Map.of("node", "n2", "gpu", "GPU-a")).tone(), "another node");
        assertEquals(AlertTone.NONE, m.forLabels(Map.of("gpu", "GPU")).tone(), "whole items only");
    }

    @Test
    void aLocalAlertGroupedPerWorkloadMarksEachGpuAndEveryProcessItLists() {
        // This machine's unexplained load folded per workload (ADR 0740): pid is the one a playbook binds,
        // pids lists every process of the workload.
        AlertMarks m = AlertMarks.of(List.of(alert(1, "gpu.utilization{gpu=\"GPU-2\"}",
                Map.of("gpu", "GPU-2,GPU-3", "index", "2,3", "pid", "31337", "pids", "31337,31338",
                        "process", "xmrig"), AlertState.FIRING, Severity.CRITICAL, null)), NOW);
        for (String gpu : List.of("GPU-2", "GPU-3")) {
            assertEquals(AlertTone.CRITICAL, m.forLabels(Map.of("gpu", gpu, "node", AlertMarks.ABSENT)).tone(), gpu);
            assertEquals(AlertTone.CRITICAL, m.forMetric("gpu.utilization", Map.of("gpu", gpu, "node", AlertMarks.ABSENT))
                    .tone(), gpu);
        }
        for (String pid : List.of("31337", "31338")) {
            assertEquals(AlertTone.CRITICAL, m.forLabels(Map.of("pid", pid, "node", AlertMarks.ABSENT)).tone(), pid);
        }
        assertEquals(AlertTone.NONE, m.forLabels(Map.of("pid", "3133", "node", AlertMarks.ABSENT)).tone(), "whole items only");
        assertEquals(AlertTone.NONE, m.forLabels(Map.of("gpu", "GPU-4", "node", AlertMarks.ABSENT)).tone(), "not listed");
    }

    @Test
    void acknowledgedAndSilencedAreMutedAndCountedApart() {
        AlertMarks m = AlertMarks.of(List.of(
                alert(1, "m{gpu=\"1\"}", Map.of("gpu", "1"), AlertState.ACKNOWLEDGED, Severity.CRITICAL, null),
                alert(2, "m{gpu=\"1\"}", Map.of("gpu", "1"), AlertState.FIRING, Severity.CRITICAL, NOW.plusSeconds(60)),
                alert(3, "m{gpu=\"2\"}", Map.of("gpu", "2"), AlertState.FIRING, Severity.CRITICAL, NOW.minusSeconds(1)),
                alert(4, "m{gpu=\"3\"}", Map.of("gpu", "3"), AlertState.PENDING, Severity.WARNING, null)), NOW);
        AlertMark one = m.forMetric("m", Map.of("gpu", "1"));
        assertEquals(AlertTone.MUTED, one.tone());
        assertEquals(0, one.open());
        assertEquals(2, one.muted());
        assertEquals(AlertTone.CRITICAL, m.forMetric("m", Map.of("gpu", "2")).tone(), "a silence that ended mutes nothing");
        AlertMarks.Counts c = m.counts();
        assertEquals(1, c.firing(Severity.CRITICAL));
        assertEquals(1, c.pending());
        assertEquals(1, c.acknowledged());
        assertEquals(1, c.silenced());
        assertEquals(2, c.open());
    }

    @Test
    void theFeedRebuildsOnAChangeOrWhenASilenceEnds() {
        ManualClock clock = new ManualClock(NOW);
        AtomicLong version = new AtomicLong(1);
        List<Alert> open = new ArrayList<>(List.of(
                alert(1, "m", Map.of(), AlertState.FIRING, Severity.CRITICAL, NOW.plus(Duration.ofMinutes(5)))));
        AlertMarksFeed feed = new AlertMarksFeed(() -> List.copyOf(open), version::get, clock);
        AlertMarks first = feed.get();
        assertEquals(AlertTone.MUTED, first.forMetric("m", Map.of()).tone());
        clock.advance(Duration.ofMinutes(1));
        assertSame(first, feed.get(), "nothing changed: the same marks");
        clock.advance(Duration.ofMinutes(5));
        AlertMarks later = feed.get();
        assertNotSame(first, later);
        assertEquals(AlertTone.CRITICAL, later.forMetric("m", Map.of()).tone(), "the silence ended");
        open.clear();
        version.incrementAndGet();
        assertEquals(AlertTone.NONE, feed.get().forMetric("m", Map.of()).tone());
    }
}
