package io.vigil.cost;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Instance type to price per GPU-hour, read from {@code gpu-pricing.yaml} (the built-in file in this
 * package, optionally overridden entry by entry by the analyst's file of the same name in the config
 * folder). The file is read token by token so every mistake names its file, line and column, and
 * unknown keys are mistakes (a typo must not silently drop a price). Immutable and thread-safe.
 */
public final class GpuPriceTable {

    static final String RESOURCE = "gpu-pricing.yaml";
    /** Bigger than any sensible price list; a bigger file is refused before it is parsed. */
    static final int MAX_BYTES = 1 << 20;
    private static final Pattern NAME = Pattern.compile("[a-z0-9][a-z0-9._-]{0,63}");
    private static final Set<String> TOP_KEYS = Set.of("asOf", "source", "instances");
    private static final Set<String> ENTRY_KEYS = Set.of("gpus", "usdPerHour", "usdPerGpuHour", "gpu", "note");
    private static volatile GpuPriceTable builtIn;

    private final Map<String, GpuPrice> prices;
    private final String asOf;
    private final String source;

    private GpuPriceTable(Map<String, GpuPrice> prices, String asOf, String source) {
        this.prices = Map.copyOf(prices);
        this.asOf = asOf;
        this.source = source;
    }

    /** The table shipped with Vigil (read once). */
    public static GpuPriceTable builtIn() {
        GpuPriceTable t = builtIn;
        if (t == null) {
            try (InputStream in = GpuPriceTable.class.getResourceAsStream(RESOURCE)) {
                if (in == null) {
                    throw new IllegalStateException("io/vigil/cost/" + RESOURCE + " is missing from the build");
                }
                t = parse(new String(in.readAllBytes(), StandardCharsets.UTF_8), "built-in " + RESOURCE, "built-in");
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            } catch (PriceFileException e) {
                throw new IllegalStateException("the built-in price table is broken: " + e.getMessage(), e);
            }
            builtIn = t;
        }
        return t;
    }

    /** The price of one GPU of {@code instanceType} (case-insensitive), if the table has it. */
    public Optional<GpuPrice> lookup(String instanceType) {
        if (instanceType == null) {
            return Optional.empty();
        }
        return Optional.ofNullable(prices.get(instanceType.strip().toLowerCase(Locale.ROOT)));
    }

    /** This table with {@code overrides}' entries replacing or adding to its own; its date and source when given. */
    public GpuPriceTable overriddenBy(GpuPriceTable overrides) {
        Map<String, GpuPrice> merged = new LinkedHashMap<>(prices);
        merged.putAll(overrides.prices);
        return new GpuPriceTable(merged, overrides.asOf.isEmpty() ? asOf : overrides.asOf,
                overrides.source.isEmpty() ? source : overrides.source);
    }

    public int size() {
        return prices.size();
    }

    /** When the prices were taken, as the file says ("2025-11"); may be empty. */
    public String asOf() {
        return asOf;
    }

    /** Where the prices come from, as the file says; may be empty. */
    public String source() {
        return source;
    }

    /**
     * Reads a price file. {@code fileName} starts every message; {@code origin} is recorded in each
     * entry. An empty file is an empty table.
     */
    public static GpuPriceTable parse(String text, String fileName, String origin) throws PriceFileException {
        if (text.length() > MAX_BYTES) {
            throw new PriceFileException(fileName + ": more than " + MAX_BYTES + " characters; a price list is far smaller");
        }
        Map<String, GpuPrice> prices = new LinkedHashMap<>();
        String asOf = "";
        String source = "";
        try (JsonParser p = new YAMLFactory().createParser(text)) {
            JsonToken t = p.nextToken();
            if (t == null) {
                return new GpuPriceTable(prices, asOf, source);
            }
            if (t != JsonToken.START_OBJECT) {
                throw problem(fileName, p, "expected a mapping with 'instances:' at the top level");
            }
            while ((t = p.nextToken()) == JsonToken.FIELD_NAME) {
                String key = p.currentName();
                JsonLocation keyAt = p.currentTokenLocation();
                if (!TOP_KEYS.contains(key)) {
                    throw problem(fileName, keyAt, "unknown key '" + key + "'; expected one of asOf, source, instances");
                }
                t = p.nextToken();
                switch (key) {
                    case "asOf" -> asOf = scalar(fileName, p, t, "asOf");
                    case "source" -> source = scalar(fileName, p, t, "source");
                    default -> readInstances(fileName, p, t, origin, prices);
                }
            }
        } catch (JsonProcessingException e) {
            JsonLocation loc = e.getLocation();
            throw new PriceFileException(fileName + (loc == null ? "" : ":" + loc.getLineNr() + ":" + loc.getColumnNr())
                    + ": not valid YAML: " + e.getOriginalMessage());
        } catch (IOException e) {
            throw new PriceFileException(fileName + ": cannot be read: " + e.getMessage());
        }
        return new GpuPriceTable(prices, asOf, source);
    }

    private static void readInstances(String file, JsonParser p, JsonToken t, String origin,
                                      Map<String, GpuPrice> prices) throws IOException, PriceFileException {
        if (t == JsonToken.VALUE_NULL) {
            return;
        }
        if (t != JsonToken.START_OBJECT) {
            throw problem(file, p, "instances: expected a mapping of instance type to {gpus, usdPerHour} or {usdPerGpuHour}");
        }
        while ((t = p.nextToken()) == JsonToken.FIELD_NAME) {
            String type = p.currentName().strip().toLowerCase(Locale.ROOT);
            JsonLocation at = p.currentTokenLocation();
            if (!NAME.matcher(type).matches()) {
                throw problem(file, at, "'" + p.currentName() + "' is not an instance type name"
                        + " (letters, digits, '.', '-', '_', at most 64)");
            }
            if (prices.containsKey(type)) {
                throw problem(file, at, type + " is listed twice");
            }
            t = p.nextToken();
            if (t != JsonToken.START_OBJECT) {
                throw problem(file, p, type + ": expected {gpus: N, usdPerHour: X} or {usdPerGpuHour: X}");
            }
            Double perHour = null;
            Double perGpuHour = null;
            Integer gpus = null;
            String gpu = "";
            while ((t = p.nextToken()) == JsonToken.FIELD_NAME) {
                String key = p.currentName();
                JsonLocation keyAt = p.currentTokenLocation();
                if (!ENTRY_KEYS.contains(key)) {
                    throw problem(file, keyAt, type + ": unknown key '" + key
                            + "'; expected gpus, usdPerHour, usdPerGpuHour, gpu or note");
                }
                t = p.nextToken();
                switch (key) {
                    case "gpus" -> {
                        if (t != JsonToken.VALUE_NUMBER_INT || p.getLongValue() < 1 || p.getLongValue() > 64) {
                            throw problem(file, p, type + ".gpus: expected a whole number from 1 to 64, got '" + p.getText() + "'");
                        }
                        gpus = p.getIntValue();
                    }
                    case "usdPerHour" -> perHour = usd(file, p, t, type + ".usdPerHour");
                    case "usdPerGpuHour" -> perGpuHour = usd(file, p, t, type + ".usdPerGpuHour");
                    case "gpu" -> gpu = scalar(file, p, t, type + ".gpu");
                    default -> scalar(file, p, t, type + ".note");
                }
            }
            double price;
            if (perGpuHour != null) {
                if (perHour != null && gpus != null && Math.abs(perHour / gpus - perGpuHour) > 0.005) {
                    throw problem(file, at, type + ": usdPerGpuHour " + perGpuHour + " disagrees with usdPerHour / gpus = "
                            + perHour / gpus + "; give one of them");
                }
                price = perGpuHour;
            } else if (perHour != null && gpus != null) {
                price = perHour / gpus;
            } else {
                throw problem(file, at, type + ": expected gpus and usdPerHour, or usdPerGpuHour");
            }
            prices.put(type, new GpuPrice(type, price, gpus == null ? 0 : gpus, gpu, origin));
        }
    }

    private static double usd(String file, JsonParser p, JsonToken t, String what) throws IOException, PriceFileException {
        if (t != JsonToken.VALUE_NUMBER_INT && t != JsonToken.VALUE_NUMBER_FLOAT) {
            throw problem(file, p, what + ": expected a price in USD (a number like 12.5), got '" + p.getText() + "'");
        }
        double v = p.getDoubleValue();
        if (!Double.isFinite(v) || v < 0 || v > 10_000) {
            throw problem(file, p, what + ": expected a price from 0 to 10000 USD, got " + p.getText());
        }
        return v;
    }

    private static String scalar(String file, JsonParser p, JsonToken t, String what) throws IOException, PriceFileException {
        if (t == null || !t.isScalarValue()) {
            throw problem(file, p, what + ": expected text");
        }
        return t == JsonToken.VALUE_NULL ? "" : p.getText();
    }

    private static PriceFileException problem(String file, JsonParser p, String message) {
        return problem(file, p.currentTokenLocation(), message);
    }

    private static PriceFileException problem(String file, JsonLocation at, String message) {
        return new PriceFileException(file + ":" + at.getLineNr() + ":" + at.getColumnNr() + ": " + message);
    }
}
