package io.vigil.app;

import io.vigil.host.HostSnapshot;
import io.vigil.playbook.ActionRegistry;
import io.vigil.playbook.AuditLog;
import io.vigil.playbook.CollectAction;
import io.vigil.playbook.FindRecentFilesAction;
import io.vigil.playbook.HashFilesAction;
import io.vigil.playbook.ParameterBinder;
import io.vigil.playbook.PcapSummaryAction;
import io.vigil.playbook.PlaybookFile;
import io.vigil.playbook.PlaybookService;
import io.vigil.playbook.PlaybookSettings;
import io.vigil.playbook.Runner;
import io.vigil.playbook.ScanContainersAction;
import io.vigil.playbook.SecretRedactor;
import io.vigil.playbook.SignalProcessAction;
import io.vigil.playbook.VerifyHashesAction;
import io.vigil.rules.Signatures;
import io.vigil.store.Database;
import io.vigil.store.StoreException;
import java.net.InetAddress;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The playbook part of the composition root, kept apart so {@link Wiring} stays short. */
final class PlaybookWiring {

    private static final Logger LOG = LoggerFactory.getLogger(PlaybookWiring.class);

    private PlaybookWiring() {
    }

    /** The playbook service, or null (with a problem added) when its settings or audit table are unusable. */
    static PlaybookService build(AppPaths paths, Settings settings, Database db, Clock clock,
                                 Supplier<HostSnapshot> snapshots, Signatures signatures, List<String> problems,
                                 String dryRunOnlyReason) {
        try {
            // A bad value falls back to this section's defaults with a located message; playbooks stay on.
            PlaybookSettings ps = settings.section("playbooks", PlaybookSettings.class, problems::add);
            Path evidence = ps.evidence(paths.dataDir());
            List<Path> roots = new ArrayList<>(ps.roots(Path.of(System.getProperty("user.home", "/"))));
            // Evidence a run wrote is hashed and summarised by later steps, so it is always allowed.
            roots.add(evidence);
            ActionRegistry actions = new ActionRegistry()
                    .register(new SignalProcessAction())
                    .register(new HashFilesAction())
                    .register(new VerifyHashesAction())
                    .register(new FindRecentFilesAction())
                    .register(new ScanContainersAction(signatures))
                    .register(new PcapSummaryAction())
                    .register(new CollectAction(snapshots, signatures));
            AuditLog audit = new AuditLog(db, clock);
            Runner runner = new Runner(actions, new ParameterBinder(roots), audit, new SecretRedactor(), clock,
                    new Runner.Options(ps.tools(), evidence, ps.outputCapKiB() * 1024,
                            ps.defaultTimeout(), Duration.ofSeconds(3)),
                    System.getProperty("user.name", "unknown"), hostName(), dryRunOnlyReason);
            return new PlaybookService(new PlaybookFile(), paths.configDir().resolve("playbooks"), runner, audit, actions);
        } catch (StoreException | IllegalArgumentException e) {
            LOG.error("Playbooks are unavailable: {}", e.getMessage());
            problems.add("Playbooks are unavailable: " + e.getMessage());
            return null;
        }
    }

    private static String hostName() {
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (Exception e) {
            return "unknown";
        }
    }
}
