package io.vigil.inventory;

import io.vigil.host.HostSnapshot;
import io.vigil.host.ListeningPort;
import io.vigil.host.ProcessInfo;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;

/**
 * Recognises AI workloads in a {@link HostSnapshot} with the rules of a {@link WorkloadCatalog}. The
 * executable must match first, which is what keeps look-alikes out ({@code vim train_torch.py},
 * {@code grep jupyter}); only then are the command line and, if a rule needs them, the mapped
 * libraries consulted. Thread-safe (stateless apart from its immutable inputs).
 */
public final class WorkloadClassifier {

    private final WorkloadCatalog catalog;
    private final ProcMaps procMaps;

    public WorkloadClassifier(WorkloadCatalog catalog, ProcMaps procMaps) {
        this.catalog = catalog;
        this.procMaps = procMaps;
    }

    /** Every recognised workload of {@code snapshot}, in pid order, with the ports each listens on. */
    public List<Workload> classify(HostSnapshot snapshot) {
        Map<Integer, List<ListeningPort>> portsByPid = new HashMap<>();
        for (ListeningPort p : snapshot.listeningPorts()) {
            if (p.pid() > 0) {
                portsByPid.computeIfAbsent(p.pid(), k -> new ArrayList<>()).add(p);
            }
        }
        List<Workload> out = new ArrayList<>();
        for (ProcessInfo p : snapshot.processes()) {
            match(p).ifPresent(m -> out.add(new Workload(p.pid(), p.user(), m.rule().id(), m.rule().label(),
                    m.rule().service(), m.evidence(), p.commandLine(), p.startEpochMillis(),
                    portsByPid.getOrDefault(p.pid(), List.of()))));
        }
        return out;
    }

    /** The first rule that matches {@code process}, with what matched. */
    public Optional<Match> match(ProcessInfo process) {
        String argv0 = baseName(firstToken(process.commandLine()));
        String name = baseName(process.name());
        Set<String> libraries = null;
        for (WorkloadRule rule : catalog.rules()) {
            if (!(rule.executable().matcher(name).find() || (!argv0.isEmpty() && rule.executable().matcher(argv0).find()))) {
                continue;
            }
            if (rule.commandLine().isEmpty() && rule.libraries().isEmpty()) {
                return Optional.of(new Match(rule, "executable " + (argv0.isEmpty() ? name : argv0)));
            }
            if (rule.commandLine().isPresent()) {
                Matcher m = rule.commandLine().get().matcher(process.commandLine());
                if (m.find()) {
                    return Optional.of(new Match(rule, "command line: " + m.group().strip()));
                }
            }
            if (rule.libraries().isPresent()) {
                if (libraries == null) {
                    libraries = procMaps.libraries(process.pid());
                }
                for (String lib : libraries) {
                    if (rule.libraries().get().matcher(lib).find()) {
                        return Optional.of(new Match(rule, "loaded " + lib));
                    }
                }
            }
        }
        return Optional.empty();
    }

    /** A rule that matched and why. */
    public record Match(WorkloadRule rule, String evidence) {
    }

    static String firstToken(String commandLine) {
        String s = commandLine.strip();
        int space = s.indexOf(' ');
        return space < 0 ? s : s.substring(0, space);
    }

    static String baseName(String path) {
        int slash = path.lastIndexOf('/');
        return slash < 0 ? path : path.substring(slash + 1);
    }
}
