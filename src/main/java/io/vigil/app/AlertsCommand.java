package io.vigil.app;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.vigil.alerts.Alert;
import io.vigil.alerts.AlertExport;
import io.vigil.alerts.AlertManager;
import io.vigil.store.Database;
import io.vigil.store.StoreException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code vigil alerts list [--json]}: the alerts recorded in the data directory's database. */
@Command(name = "alerts", mixinStandardHelpOptions = true, description = "Work with recorded alerts.",
        subcommands = AlertsCommand.ListAlerts.class)
final class AlertsCommand {

    @Command(name = "list", mixinStandardHelpOptions = true,
            description = "List alerts (open first, then the newest resolved) from the database in the data directory.")
    static final class ListAlerts implements Callable<Integer> {

        @Option(names = "--json", description = "Print JSON instead of a table.")
        boolean json;

        @Option(names = "--limit", defaultValue = "200", description = "At most this many alerts (default ${DEFAULT-VALUE}).")
        int limit;

        @Spec
        CommandSpec spec;

        @Override
        public Integer call() throws Exception {
            PrintWriter out = spec.commandLine().getOut();
            PrintWriter err = spec.commandLine().getErr();
            Path dbFile = AppPaths.fromSystem().databaseFile();
            List<Alert> alerts;
            if (!Files.exists(dbFile)) {
                alerts = List.of();
            } else {
                try (Database db = Database.open(dbFile)) {
                    alerts = AlertManager.readAll(db, limit);
                } catch (StoreException e) {
                    err.println(e.getMessage());
                    err.flush();
                    return 1;
                }
            }
            if (json) {
                out.println(new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT)
                        .writeValueAsString(AlertExport.rows(alerts)));
            } else if (alerts.isEmpty()) {
                out.println("No alerts recorded in " + dbFile);
            } else {
                out.printf("%-6s %-9s %-13s %-28s %-34s %-12s %s%n", "ID", "SEVERITY", "STATE", "RULE", "SUBJECT",
                        "VALUE", "SINCE");
                for (Alert a : alerts) {
                    out.printf("%-6d %-9s %-13s %-28s %-34s %-12s %s%n", a.id(), a.severity(), a.state(),
                            cut(a.ruleId(), 28), cut(a.subject(), 34), TerminalText.value(a.metric(), a.value()),
                            TerminalText.time(a.since()));
                }
            }
            out.flush();
            return 0;
        }

        private static String cut(String s, int n) {
            return s.length() <= n ? s : s.substring(0, n - 1) + "…";
        }
    }
}
