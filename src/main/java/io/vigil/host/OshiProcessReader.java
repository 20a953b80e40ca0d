package io.vigil.host;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import oshi.software.os.OSProcess;
import oshi.software.os.OperatingSystem;

/** The process table through OSHI, for systems without Linux's {@code /proc}. Not thread-safe. */
public final class OshiProcessReader implements ProcessTableReader {

    private final OperatingSystem os;
    private Map<Integer, OSProcess> previous = new HashMap<>();

    public OshiProcessReader(OperatingSystem os) {
        this.os = os;
    }

    @Override
    public List<ProcessInfo> read() {
        List<OSProcess> processes = os.getProcesses();
        Map<Integer, OSProcess> current = new HashMap<>(processes.size() * 2);
        List<ProcessInfo> infos = new ArrayList<>(processes.size());
        for (OSProcess p : processes) {
            current.put(p.getProcessID(), p);
            OSProcess before = previous.get(p.getProcessID());
            double cpu = before == null || before.getStartTime() != p.getStartTime()
                    ? 0 : Math.max(0, p.getProcessCpuLoadBetweenTicks(before) * 100.0);
            List<String> argv = p.getArguments();
            String commandLine = ProcFields.cap(p.getCommandLine());
            infos.add(new ProcessInfo(p.getProcessID(), p.getParentProcessID(), nullToEmpty(p.getName()),
                    nullToEmpty(p.getUser()), commandLine, cpu, p.getResidentMemory(), p.getStartTime(),
                    argv == null || argv.isEmpty() ? List.of(commandLine.isBlank() ? new String[0]
                            : commandLine.strip().split("\\s+")) : argv,
                    nullToEmpty(p.getPath())));
        }
        previous = current;
        return infos;
    }

    private static String nullToEmpty(String s) {
        return s == null ? "" : s;
    }
}
