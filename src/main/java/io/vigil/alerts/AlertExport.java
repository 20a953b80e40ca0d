package io.vigil.alerts;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.io.Writer;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/** Writes alert history as CSV (RFC 4180 quoting) or JSON, for the Alerts view and the CLI. Stateless. */
public final class AlertExport {

    static final List<String> COLUMNS = List.of("id", "severity", "state", "rule", "subject", "value", "since",
            "fired_at", "updated", "silenced_until", "source", "labels");

    private AlertExport() {
    }

    /** One map per alert, in column order. */
    public static List<Map<String, Object>> rows(List<Alert> alerts) {
        List<Map<String, Object>> out = new ArrayList<>();
        for (Alert a : alerts) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("id", a.id());
            m.put("severity", a.severity().name());
            m.put("state", a.state().name());
            m.put("rule", a.ruleId());
            m.put("subject", a.subject());
            m.put("value", Double.isNaN(a.value()) ? null : a.value());
            m.put("since", a.since().toString());
            m.put("fired_at", a.firedAt() == null ? null : a.firedAt().toString());
            m.put("updated", a.updated().toString());
            m.put("silenced_until", a.silencedUntil() == null ? null : a.silencedUntil().toString());
            m.put("source", a.source());
            m.put("labels", new TreeMap<>(a.labels()));
            out.add(m);
        }
        return out;
    }

    public static void json(List<Alert> alerts, Writer w) throws IOException {
        new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValue(w, rows(alerts));
    }

    public static void csv(List<Alert> alerts, Writer w) throws IOException {
        w.write(String.join(",", COLUMNS));
        w.write("\r\n");
        for (Map<String, Object> row : rows(alerts)) {
            List<String> cells = new ArrayList<>();
            for (String c : COLUMNS) {
                Object v = row.get(c);
                String text = v == null ? "" : v instanceof Map<?, ?> m ? labels(m) : String.valueOf(v);
                cells.add(quote(text));
            }
            w.write(String.join(",", cells));
            w.write("\r\n");
        }
        w.flush();
    }

    private static String labels(Map<?, ?> m) {
        List<String> parts = new ArrayList<>();
        m.forEach((k, v) -> parts.add(k + "=" + v));
        return String.join(";", parts);
    }

    static String quote(String s) {
        // Cells starting with =, +, - or @ are run as formulas by spreadsheets: prefix a quote.
        String safe = !s.isEmpty() && "=+-@".indexOf(s.charAt(0)) >= 0 && !s.matches("-?[0-9.eE+-]+") ? "'" + s : s;
        if (safe.contains(",") || safe.contains("\"") || safe.contains("\n") || safe.contains("\r")) {
            return "\"" + safe.replace("\"", "\"\"") + "\"";
        }
        return safe;
    }

    public static String value(double v) {
        return Double.isNaN(v) ? "no data" : String.format(Locale.ROOT, "%.4g", v);
    }
}
