package io.vigil.host;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Parses a /proc tree laid out like the kernel's, including hostile process names. */
class ProcFsProcessReaderTest {

    @TempDir
    Path root;

    private void process(int pid, String comm, int ppid, long utime, long stime, long start, long rssPages, String cmdline)
            throws Exception {
        process(pid, comm, ppid, utime, stime, start, rssPages, cmdline, 4194560);
    }

    private void process(int pid, String comm, int ppid, long utime, long stime, long start, long rssPages, String cmdline,
                         long flags) throws Exception {
        Path dir = Files.createDirectories(root.resolve("proc/" + pid));
        // pid (comm) state ppid pgrp session tty tpgid flags minflt cminflt majflt cmajflt utime stime
        // cutime cstime priority nice threads itreal starttime vsize rss ...
        String stat = pid + " (" + comm + ") S " + ppid + " 1 1 0 -1 " + flags + " 100 0 0 0 " + utime + " " + stime
                + " 0 0 20 0 1 0 " + start + " 1000000 " + rssPages + " 18446744073709551615 0 0 0\n";
        Files.writeString(dir.resolve("stat"), stat);
        Files.write(dir.resolve("cmdline"), cmdline.replace(' ', '\0').concat("\0").getBytes());
    }

    private ProcFsProcessReader reader() throws Exception {
        Path proc = root.resolve("proc");
        Files.createDirectories(proc.resolve("self"));
        Files.writeString(proc.resolve("stat"), "cpu  1 2 3 4\nbtime 1700000000\n");
        Files.writeString(proc.resolve("self/status"), "Name:\tjava\nVmRSS:\t    8192 kB\n");
        Files.writeString(proc.resolve("self/stat"), "1 (java) S 0 1 1 0 -1 0 0 0 0 0 0 0 0 0 20 0 1 0 0 0 2048 0\n");
        Path passwd = root.resolve("passwd");
        Files.writeString(passwd, "root:x:0:0:root:/root:/bin/bash\n" + "garbage line\n");
        return new ProcFsProcessReader(proc, passwd);
    }

    @Test
    void parsesNamesWithSpacesAndParenthesesAndJoinsTheCommandLine() throws Exception {
        process(4711, "x) (evil", 1, 10, 5, 500, 256, "/tmp/.x/xmrig -o stratum+tcp://pool.example:3333");
        process(42, "python3", 1, 0, 0, 100, 10, "python3 -m torch.distributed.run train.py");
        List<ProcessInfo> list = reader().read();
        ProcessInfo evil = list.stream().filter(p -> p.pid() == 4711).findFirst().orElseThrow();
        assertEquals("x) (evil", evil.name());
        assertEquals(1, evil.parentPid());
        assertEquals("/tmp/.x/xmrig -o stratum+tcp://pool.example:3333", evil.commandLine());
        assertEquals(256 * 4096L, evil.rssBytes(), "page size detected from VmRSS / rss pages");
        assertEquals(1_700_000_000_000L + 5_000, evil.startEpochMillis());
        assertEquals("root", evil.user(), "uid of the directory's owner mapped through passwd");
        assertEquals(2, list.size());
    }

    @Test
    void aKernelThreadsExecutableIsNotAskedFor() throws Exception {
        // The kernel sets PF_KTHREAD; its threads have no exe link, and asking costs an exception each.
        // Here the link exists, so only the flag can explain an empty exe.
        process(2, "kthreadd", 0, 0, 0, 1, 0, "", 0x00208040);
        Files.createSymbolicLink(root.resolve("proc/2/exe"), Path.of("/usr/bin/not-read"));
        process(42, "python3", 1, 0, 0, 100, 10, "python3 train.py");
        Files.createSymbolicLink(root.resolve("proc/42/exe"), Path.of("/usr/bin/python3.12"));
        List<ProcessInfo> list = reader().read();
        assertEquals("", list.stream().filter(p -> p.pid() == 2).findFirst().orElseThrow().exe());
        assertEquals("/usr/bin/python3.12", list.stream().filter(p -> p.pid() == 42).findFirst().orElseThrow().exe());
    }

    @Test
    void keepsArgvElementsWholeAndReadsTheExecutableLink() throws Exception {
        process(4711, "tritonserver", 1, 0, 0, 100, 10, "x");
        Path dir = root.resolve("proc/4711");
        // argv[0] claims to be tritonserver and one argument holds a space; the binary is a miner.
        Files.write(dir.resolve("cmdline"), "tritonserver\0--config\0/srv/my jupyter/c.json\0".getBytes());
        Files.createSymbolicLink(dir.resolve("exe"), Path.of("/tmp/.x/xmrig"));
        process(42, "python3", 1, 0, 0, 100, 10, "python3 train.py");
        List<ProcessInfo> list = reader().read();
        ProcessInfo miner = list.stream().filter(p -> p.pid() == 4711).findFirst().orElseThrow();
        assertEquals(List.of("tritonserver", "--config", "/srv/my jupyter/c.json"), miner.argv());
        assertEquals("tritonserver --config /srv/my jupyter/c.json", miner.commandLine());
        assertEquals("/tmp/.x/xmrig", miner.exe());
        ProcessInfo noExe = list.stream().filter(p -> p.pid() == 42).findFirst().orElseThrow();
        assertEquals("", noExe.exe(), "an unreadable executable link is unknown, not a reason to skip the process");
        assertEquals(List.of("python3", "train.py"), noExe.argv());
    }

    @Test
    void cpuPercentComesFromTheTickDeltaAndIgnoresAReusedPid() throws Exception {
        process(7, "busy", 1, 100, 0, 500, 1, "busy");
        ProcFsProcessReader reader = reader();
        assertEquals(0.0, reader.read().getFirst().cpuPercent(), "no rate on the first reading");
        process(7, "busy", 1, 100_000, 0, 500, 1, "busy");
        assertTrue(reader.read().getFirst().cpuPercent() > 0);
        process(7, "other", 1, 200_000, 0, 900, 1, "other"); // same pid, new process
        assertEquals(0.0, reader.read().getFirst().cpuPercent());
    }

    @Test
    void skipsEntriesThatAreNotProcessesOrVanished() throws Exception {
        process(9, "ok", 1, 0, 0, 1, 1, "ok");
        Files.createDirectories(root.resolve("proc/123")); // exited between listing and reading
        Files.createDirectories(root.resolve("proc/net"));
        List<ProcessInfo> list = reader().read();
        assertEquals(1, list.size());
        assertEquals(9, list.getFirst().pid());
    }
}
