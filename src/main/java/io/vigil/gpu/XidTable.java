package io.vigil.gpu;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * What each XID number means, how severe it is and what to do, from the data file
 * {@code io/vigil/gpu/xid-table.yaml}. An XID not in the table still gets an entry that names its
 * number. Immutable and thread-safe.
 */
public final class XidTable {

    /** One row: the meaning in words, the advice, and whether it is critical (else a warning). */
    public record Entry(long xid, boolean critical, String meaning, String advice) {
    }

    private static final String RESOURCE = "xid-table.yaml";
    private static volatile XidTable standard;

    private final Map<Long, Entry> rows;

    XidTable(Map<Long, Entry> rows) {
        this.rows = Map.copyOf(rows);
    }

    /** The table shipped with Vigil (read once). */
    public static XidTable standard() {
        XidTable t = standard;
        if (t == null) {
            try (InputStream in = XidTable.class.getResourceAsStream(RESOURCE)) {
                if (in == null) {
                    throw new IllegalStateException("io/vigil/gpu/" + RESOURCE + " is missing from the build");
                }
                t = parse(in, RESOURCE);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            standard = t;
        }
        return t;
    }

    /** Reads a table; a bad row is an error naming the file, the row and what was expected. */
    static XidTable parse(InputStream in, String file) throws IOException {
        JsonNode root = new YAMLMapper().readTree(in);
        JsonNode list = root == null ? null : root.get("xids");
        if (list == null || !list.isArray()) {
            throw new IllegalArgumentException(file + ": expected a list under 'xids:'");
        }
        Map<Long, Entry> rows = new LinkedHashMap<>();
        int n = 0;
        for (JsonNode row : list) {
            n++;
            JsonNode xid = row.get("xid");
            String severity = row.path("severity").asText("").toLowerCase(Locale.ROOT);
            String meaning = row.path("meaning").asText("");
            if (xid == null || !xid.canConvertToLong() || meaning.isBlank()
                    || !(severity.equals("warning") || severity.equals("critical"))) {
                throw new IllegalArgumentException(file + ": row " + n
                        + ": expected xid: (a number), severity: warning|critical and meaning: (text)");
            }
            rows.put(xid.asLong(), new Entry(xid.asLong(), severity.equals("critical"), meaning,
                    row.path("advice").asText("")));
        }
        return new XidTable(rows);
    }

    /** The row for {@code xid}, or a warning row saying it is not in the table. */
    public Entry lookup(long xid) {
        Entry e = rows.get(xid);
        if (e != null) {
            return e;
        }
        return new Entry(xid, false, xid == 999 ? "unknown XID (the driver could not classify it)"
                : "XID " + xid + " (not in Vigil's table)",
                "Look the number up in NVIDIA's XID documentation and check the kernel log (dmesg) around that time.");
    }

    /** The title words for an event: "XID 79: GPU has fallen off the bus". */
    public String describe(long xid) {
        return "XID " + xid + ": " + lookup(xid).meaning();
    }
}
