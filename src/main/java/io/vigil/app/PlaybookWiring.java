package io.vigil.app;

import io.vigil.host.HostSnapshot;
import io.vigil.alerts.AlertSettings;
import io.vigil.alerts.WebhookNotifier;
import io.vigil.alerts.WebhookTarget;
import io.vigil.playbook.ActionRegistry;
import io.vigil.playbook.AuditAnchor;
import io.vigil.playbook.AuditLog;
import io.vigil.playbook.AuditSettings;
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
import io.vigil.playbook.SensitivePaths;
import io.vigil.playbook.SignalProcessAction;
import io.vigil.playbook.VerifyHashesAction;
import io.vigil.rules.Signatures;
import io.vigil.store.Database;
import io.vigil.store.StoreException;
import io.vigil.text.Redactor;
import java.net.InetAddress;
import java.net.http.HttpClient;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.function.Consumer;
import java.util.Map;
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
        return build(paths, settings, db, clock, snapshots, signatures, problems, dryRunOnlyReason, null);
    }

    /** As above; {@code simulator} (a scenario replay's) lets the dry-run-only runner simulate runs. */
    static PlaybookService build(AppPaths paths, Settings settings, Database db, Clock clock,
                                 Supplier<HostSnapshot> snapshots, Signatures signatures, List<String> problems,
                                 String dryRunOnlyReason, io.vigil.playbook.StepSimulator simulator) {
        try {
            // A bad value falls back to this section's defaults with a located message; playbooks stay on.
            PlaybookSettings ps = settings.section("playbooks", PlaybookSettings.class, problems::add);
            Path evidence = ps.evidence(paths.dataDir());
            Path home = AppPaths.home(System.getenv(), Map.of("user.home", System.getProperty("user.home", "/")));
            List<Path> roots = new ArrayList<>(ps.roots(home));
            // Evidence a run wrote is hashed and summarised by later steps, so it is always allowed.
            roots.add(evidence);
            // Credentials are never readable, even when an allowed root contains them (~).
            List<Path> excluded = new ArrayList<>(SensitivePaths.forHome(home));
            excluded.add(paths.configDir());
            ActionRegistry actions = new ActionRegistry()
                    .register(new SignalProcessAction())
                    .register(new HashFilesAction())
                    .register(new VerifyHashesAction())
                    .register(new FindRecentFilesAction())
                    .register(new ScanContainersAction(signatures))
                    .register(new PcapSummaryAction())
                    .register(new CollectAction(snapshots, signatures))
                    .register(new io.vigil.playbook.CaptureEvidenceAction(java.nio.file.Path.of("/proc")));
            AuditSettings auditSettings = settings.section("audit", AuditSettings.class);
            AuditLog audit = new AuditLog(db, clock, new AuditLog.Anchoring(
                    paths.dataDir().resolve(AuditLog.KEY_FILE), paths.dataDir().resolve(AuditLog.ANCHOR_FILE),
                    auditSettings.anchorEvery(), anchorSink(settings, auditSettings, problems)));
            Runner runner = new Runner(actions, new ParameterBinder(roots, excluded), audit, new Redactor(), clock,
                    new Runner.Options(ps.tools(), evidence, ps.outputCapKiB() * 1024,
                            ps.defaultTimeout(), Duration.ofSeconds(3)),
                    System.getProperty("user.name", "unknown"), hostName(), dryRunOnlyReason, simulator);
            return new PlaybookService(new PlaybookFile(), paths.configDir().resolve("playbooks"), runner, audit, actions);
        } catch (StoreException | IllegalArgumentException e) {
            LOG.error("Playbooks are unavailable: {}", e.getMessage());
            problems.add("Playbooks are unavailable: " + e.getMessage());
            return null;
        }
    }

    /**
     * Where anchors go besides the anchor file: the Slack-compatible webhooks of {@code alerts.webhooks}
     * when {@code audit.anchorToWebhooks} is on (sent in the background; a failure is only logged).
     */
    private static Consumer<AuditAnchor> anchorSink(Settings settings, AuditSettings audit, List<String> problems) {
        if (!audit.anchorToWebhooks()) {
            return a -> { };
        }
        List<WebhookTarget> targets;
        try {
            targets = settings.section("alerts", AlertSettings.class).webhooks().stream()
                    .filter(t -> !t.pagerDuty()).toList();
        } catch (IllegalArgumentException e) {
            targets = List.of();
        }
        if (targets.isEmpty()) {
            problems.add("audit.anchorToWebhooks is on but alerts.webhooks has no Slack-compatible webhook: "
                    + "audit anchors stay on this machine");
            return a -> { };
        }
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
        String host = hostName();
        List<WebhookNotifier> notifiers = targets.stream().map(t -> new WebhookNotifier(t, http,
                Executors.newVirtualThreadPerTaskExecutor(), System.getenv(), 4, Duration.ofSeconds(2), host)).toList();
        return a -> notifiers.forEach(n -> n.deliverText("Vigil audit anchor from " + host + ": " + a.line()));
    }

    private static String hostName() {
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (Exception e) {
            return "unknown";
        }
    }
}
