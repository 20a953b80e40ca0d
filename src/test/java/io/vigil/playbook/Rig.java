package io.vigil.playbook;

import io.vigil.host.HostSnapshot;
import io.vigil.store.Database;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;

/** A real runner over a temporary database, with a folder of fake programs first on its PATH. */
final class Rig implements AutoCloseable {

    final Path dir;
    final Path bin;
    final Path evidence;
    final Path roots;
    final Database db;
    final AuditLog audit;
    final Runner runner;
    final ActionRegistry actions = new ActionRegistry();
    final PlaybookFile reader = new PlaybookFile();

    Rig(Path dir) throws Exception {
        this(dir, () -> HostSnapshot.EMPTY, 64 * 1024);
    }

    Rig(Path dir, Supplier<HostSnapshot> snapshots, int outputCap) throws Exception {
        this.dir = dir;
        this.bin = Files.createDirectories(dir.resolve("bin"));
        this.evidence = dir.resolve("evidence");
        this.roots = Files.createDirectories(dir.resolve("roots"));
        this.db = Database.open(dir.resolve("vigil.db"));
        this.audit = new AuditLog(db, Clock.systemUTC());
        actions.register(new SignalProcessAction()).register(new HashFilesAction()).register(new VerifyHashesAction())
                .register(new FindRecentFilesAction()).register(new ScanContainersAction(io.vigil.rules.Signatures.builtIn()))
                .register(new PcapSummaryAction()).register(new CollectAction(snapshots, io.vigil.rules.Signatures.builtIn()))
                .register(new CaptureEvidenceAction(Path.of("/proc")));
        ToolPath path = new ToolPath(List.of(bin, Path.of("/usr/bin"), Path.of("/bin")));
        this.runner = new Runner(actions, new ParameterBinder(List.of(roots, evidence)), audit, new SecretRedactor(),
                Clock.systemUTC(), new Runner.Options(path, evidence, outputCap, Duration.ofSeconds(30),
                        Duration.ofMillis(500)), "tester", "testhost");
    }

    /** A fake program that appends its argv (fields separated by \037) as one line to {@code bin/<name>.log}. */
    Path recorder(String name, String extraScript) throws IOException {
        Path log = bin.resolve(name + ".log");
        String script = "#!/bin/sh\nprintf '%s\\037' \"$@\" >> '" + log + "'\nprintf '\\n' >> '" + log + "'\n"
                + extraScript + "\n";
        Path p = bin.resolve(name);
        Files.writeString(p, script, StandardCharsets.UTF_8);
        Files.setPosixFilePermissions(p, PosixFilePermissions.fromString("rwxr-xr-x"));
        return log;
    }

    /** Each recorded invocation of {@code name}, as its argv. */
    List<List<String>> calls(String name) throws IOException {
        Path log = bin.resolve(name + ".log");
        List<List<String>> out = new ArrayList<>();
        if (!Files.exists(log)) {
            return out;
        }
        for (String line : Files.readAllLines(log, StandardCharsets.UTF_8)) {
            List<String> argv = new ArrayList<>(List.of(line.split("\037", -1)));
            argv.removeLast();
            out.add(argv);
        }
        return out;
    }

    Playbook playbook(String id, String yaml) throws PlaybookException {
        return reader.parse(id, yaml.getBytes(StandardCharsets.UTF_8), id + ".yaml", false);
    }

    @Override
    public void close() {
        db.close();
    }
}
