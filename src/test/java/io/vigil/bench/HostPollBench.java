package io.vigil.bench;

import io.vigil.host.OshiHostReader;
import io.vigil.host.OshiNetworkReader;
import io.vigil.host.ProcFsProcessReader;
import io.vigil.host.ProcNetReader;
import java.lang.management.ManagementFactory;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import oshi.SystemInfo;

/**
 * CPU time and heap allocation of one poll of each host-side reader, on this machine: the host
 * metrics (OSHI CPU/memory plus the network counters), the {@code /proc} process walk and the TCP
 * socket table with its socket-to-pid map, each in the old (OSHI) and the current form where both
 * exist. Measured on the polling thread with {@code ThreadMXBean} (thread CPU time, allocated bytes),
 * after a warm-up, as the median over the timed polls. Results vary with how many processes and
 * sockets the machine has: the figures in docs/bench/host-polls.md were taken on a busy build host.
 *
 * <p>Run: {@code ./mvnw -Pbench verify -Dbench=host-polls}, or {@code java -cp … io.vigil.bench.HostPollBench [polls]}.
 */
public final class HostPollBench {

    private HostPollBench() {
    }

    public static void main(String[] args) throws Exception {
        run(args.length > 0 ? Integer.parseInt(args[0]) : 30);
    }

    static void run(int polls) throws Exception {
        SystemInfo si = new SystemInfo();
        Map<String, Poll> readers = new LinkedHashMap<>();
        OshiHostReader host = new OshiHostReader(si);
        readers.put("host metrics (OshiHostReader)", () -> host.read(Instant.now()));
        ProcFsProcessReader procs = new ProcFsProcessReader();
        readers.put("process walk (ProcFsProcessReader)", procs::read);
        OshiNetworkReader oshiNet = new OshiNetworkReader(si.getOperatingSystem());
        readers.put("sockets (OshiNetworkReader)", oshiNet::read);
        ProcNetReader procNet = new ProcNetReader();
        readers.put("sockets (ProcNetReader)", procNet::read);
        java.lang.management.ThreadMXBean mx = ManagementFactory.getThreadMXBean();
        // The allocation counter lives on com.sun.management.ThreadMXBean (module jdk.management, which
        // Vigil does not require): call it reflectively rather than add a module edge for a bench.
        java.lang.reflect.Method allocated = Class.forName("com.sun.management.ThreadMXBean")
                .getMethod("getCurrentThreadAllocatedBytes");
        System.out.printf("host polls, %d timed polls each, %d processes on this machine, load %.2f%n", polls,
                ProcessHandle.allProcesses().count(), ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage());
        System.out.printf("%-34s %14s %14s %16s%n", "reader", "CPU ms/poll", "(min)", "alloc KiB/poll");
        for (var e : readers.entrySet()) {
            Poll p = e.getValue();
            for (int i = 0; i < 5; i++) {
                p.run(); // warm-up: JIT, and the first reading of the rate readers
            }
            long[] cpu = new long[polls];
            long[] alloc = new long[polls];
            for (int i = 0; i < polls; i++) {
                long c0 = mx.getCurrentThreadCpuTime();
                long a0 = (long) allocated.invoke(mx);
                p.run();
                cpu[i] = mx.getCurrentThreadCpuTime() - c0;
                alloc[i] = (long) allocated.invoke(mx) - a0;
            }
            java.util.Arrays.sort(cpu);
            java.util.Arrays.sort(alloc);
            System.out.printf("%-34s %14.3f %14.3f %16.1f%n", e.getKey(), cpu[polls / 2] / 1e6, cpu[0] / 1e6,
                    alloc[polls / 2] / 1024.0);
        }
    }

    @FunctionalInterface
    interface Poll {
        void run() throws Exception;
    }
}
