package io.vigil.gpu;

import io.vigil.host.HostSnapshot;
import io.vigil.host.ProcessInfo;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalDouble;
import java.util.OptionalLong;

/**
 * A process on a GPU joined with what the host process list says about the same pid: name, user,
 * command line, CPU % and resident memory. The host fields are empty (or "") when the process is
 * not in the host list (another container's pid namespace, or it just exited). SM and memory
 * utilization percent are the driver's per-process samples, empty when it gives none. Immutable; used by
 * the GPUs view and by detectors (unexplained GPU load) and playbooks (the pid to act on).
 */
public record GpuProcessRow(int gpuIndex, String gpuUuid, int pid, GpuProcess.Kind kind,
                            OptionalLong gpuMemoryBytes, String name, String user, String commandLine,
                            OptionalDouble cpuPercent, OptionalLong rssBytes, OptionalDouble smUtilPercent,
                            OptionalDouble memUtilPercent) {

    /** Every process on every GPU, by GPU index then pid, joined with {@code host}. */
    public static List<GpuProcessRow> join(GpuSnapshot gpus, HostSnapshot host) {
        Map<Integer, ProcessInfo> byPid = new HashMap<>();
        for (ProcessInfo p : host.processes()) {
            byPid.put(p.pid(), p);
        }
        List<GpuProcessRow> rows = new ArrayList<>();
        for (GpuReading g : gpus.gpus()) {
            for (GpuProcess p : g.processes()) {
                ProcessInfo h = byPid.get(p.pid());
                rows.add(new GpuProcessRow(g.index(), g.uuid(), p.pid(), p.kind(), p.usedMemoryBytes(),
                        h == null ? "" : h.name(), h == null ? "" : h.user(), h == null ? "" : h.commandLine(),
                        h == null ? OptionalDouble.empty() : OptionalDouble.of(h.cpuPercent()),
                        h == null ? OptionalLong.empty() : OptionalLong.of(h.rssBytes()),
                        p.smUtilPercent(), p.memUtilPercent()));
            }
        }
        rows.sort(Comparator.comparingInt(GpuProcessRow::gpuIndex).thenComparingInt(GpuProcessRow::pid));
        return rows;
    }

    /** The context handed to a playbook run from this row: {@code pid}, {@code gpu}, {@code name}. */
    public Map<String, String> playbookContext() {
        return Map.of("pid", Integer.toString(pid), "gpu", Integer.toString(gpuIndex), "name", name);
    }
}
