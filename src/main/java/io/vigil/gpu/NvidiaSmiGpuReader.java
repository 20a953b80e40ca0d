package io.vigil.gpu;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.OptionalLong;
import java.util.concurrent.TimeUnit;

/**
 * Reads GPUs by running {@code nvidia-smi --query-gpu=… --format=csv,noheader,nounits} and
 * {@code --query-compute-apps=…}: the fallback when NVML cannot be loaded but the tool exists. Costs
 * two process spawns per reading (milliseconds, against microseconds through NVML). Fields
 * {@code nvidia-smi} prints as {@code [N/A]}, {@code [Not Supported]} and similar become empty
 * readings. The executable is run with an argument list, never through a shell.
 *
 * <p>Not thread-safe: one reading at a time.
 */
public final class NvidiaSmiGpuReader implements GpuReader {

    /** What nvidia-smi's CSV queries cannot give that the NVML reader does. */
    static final List<String> LIMITATIONS = List.of(
            "XID events: not available through nvidia-smi (needs NVML's event API; check dmesg for Xid lines)",
            "per-process GPU utilization: not available through nvidia-smi's CSV queries",
            "energy counter: not read through nvidia-smi");

    static final String GPU_FIELDS = "index,uuid,name,driver_version,utilization.gpu,utilization.memory,"
            + "memory.used,memory.total,temperature.gpu,power.draw,power.limit,clocks.sm,clocks.mem,fan.speed,"
            + "clocks_throttle_reasons.active,ecc.errors.corrected.volatile.total,"
            + "ecc.errors.corrected.aggregate.total,ecc.errors.uncorrected.volatile.total,"
            + "ecc.errors.uncorrected.aggregate.total";
    static final String APP_FIELDS = "gpu_uuid,pid,used_memory";
    private static final int FIELD_COUNT = 19;
    private static final long MIB = 1024L * 1024L;
    private static final long TIMEOUT_SECONDS = 10;

    private final Path executable;
    private final Path output;

    private NvidiaSmiGpuReader(Path executable) throws IOException {
        this.executable = executable;
        this.output = Files.createTempFile("vigil-nvidia-smi", ".csv");
    }

    /**
     * Opens a reader on {@code executable}, or on {@code nvidia-smi} found on the PATH when it is
     * null, and checks that it answers.
     */
    public static NvidiaSmiGpuReader open(Path executable) throws GpuUnavailableException {
        Path exe = executable != null ? executable : findOnPath(System.getenv("PATH"), "nvidia-smi")
                .orElseThrow(() -> new GpuUnavailableException("nvidia-smi not found on the PATH"));
        if (!Files.isExecutable(exe)) {
            throw new GpuUnavailableException("nvidia-smi not found or not executable: " + exe);
        }
        NvidiaSmiGpuReader reader;
        try {
            reader = new NvidiaSmiGpuReader(exe);
        } catch (IOException e) {
            throw new GpuUnavailableException("cannot create a temporary file for nvidia-smi output: " + e.getMessage(), e);
        }
        try {
            reader.read(0);
            return reader;
        } catch (GpuUnavailableException | RuntimeException e) {
            reader.close();
            throw e;
        }
    }

    /** The first executable {@code name} in the directories of {@code path} (a PATH value). */
    public static Optional<Path> findOnPath(String path, String name) {
        if (path == null) {
            return Optional.empty();
        }
        for (String dir : path.split(File.pathSeparator)) {
            if (dir.isBlank()) {
                continue;
            }
            Path candidate = Path.of(dir, name);
            if (Files.isExecutable(candidate)) {
                return Optional.of(candidate);
            }
        }
        return Optional.empty();
    }

    @Override
    public String name() {
        return "nvidia-smi";
    }

    @Override
    public GpuSnapshot read(long epochMillis) throws GpuUnavailableException {
        String gpus = run("--query-gpu=" + GPU_FIELDS, "--format=csv,noheader,nounits");
        String apps = run("--query-compute-apps=" + APP_FIELDS, "--format=csv,noheader,nounits");
        return parse(epochMillis, gpus, apps);
    }

    private String run(String... args) throws GpuUnavailableException {
        List<String> argv = new ArrayList<>();
        argv.add(executable.toString());
        argv.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(argv).redirectErrorStream(true)
                .redirectOutput(output.toFile()).redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
        try {
            Process p = pb.start();
            if (!p.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new GpuUnavailableException("nvidia-smi did not answer within " + TIMEOUT_SECONDS + " s");
            }
            String text = Files.readString(output, StandardCharsets.UTF_8);
            if (p.exitValue() != 0) {
                String first = text.strip().lines().findFirst().orElse("");
                throw new GpuUnavailableException("nvidia-smi failed (exit " + p.exitValue() + ")"
                        + (first.isEmpty() ? "" : ": " + first));
            }
            return text;
        } catch (IOException e) {
            throw new GpuUnavailableException("cannot run " + executable + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new GpuUnavailableException("interrupted while running nvidia-smi", e);
        }
    }

    /** Parses the two CSV outputs (no header, no units) into a snapshot. */
    static GpuSnapshot parse(long epochMillis, String gpuCsv, String appCsv) {
        List<String> problems = new ArrayList<>();
        Map<String, List<GpuProcess>> procsByUuid = new HashMap<>();
        int lineNo = 0;
        for (String line : appCsv.split("\\R")) {
            lineNo++;
            if (line.isBlank() || line.startsWith("No running")) {
                continue;
            }
            String[] f = fields(line);
            OptionalLong pid = integer(f.length > 1 ? f[1] : "");
            if (f.length != 3 || pid.isEmpty()) {
                problems.add("nvidia-smi compute apps, line " + lineNo + ": expected gpu_uuid, pid, used_memory but got '"
                        + line.strip() + "'");
                continue;
            }
            OptionalLong mib = integer(f[2]);
            procsByUuid.computeIfAbsent(f[0], k -> new ArrayList<>()).add(new GpuProcess((int) pid.getAsLong(),
                    GpuProcess.Kind.COMPUTE, mib.isPresent() ? OptionalLong.of(mib.getAsLong() * MIB) : OptionalLong.empty()));
        }
        List<GpuReading> gpus = new ArrayList<>();
        String driver = "";
        lineNo = 0;
        for (String line : gpuCsv.split("\\R")) {
            lineNo++;
            if (line.isBlank()) {
                continue;
            }
            String[] f = fields(line);
            OptionalLong index = f.length == FIELD_COUNT ? integer(f[0]) : OptionalLong.empty();
            if (index.isEmpty()) {
                problems.add("nvidia-smi, line " + lineNo + ": expected " + FIELD_COUNT + " fields starting with the "
                        + "GPU index but got '" + line.strip() + "'");
                continue;
            }
            driver = f[3];
            OptionalLong memUsedMib = integer(f[6]);
            OptionalLong memTotalMib = integer(f[7]);
            gpus.add(new GpuReading((int) index.getAsLong(), f[2], f[1], false,
                    number(f[4]), number(f[5]),
                    memUsedMib.isPresent() ? OptionalLong.of(memUsedMib.getAsLong() * MIB) : OptionalLong.empty(),
                    memTotalMib.isPresent() ? OptionalLong.of(memTotalMib.getAsLong() * MIB) : OptionalLong.empty(),
                    number(f[8]), number(f[9]), number(f[10]), integer(f[11]), integer(f[12]), number(f[13]),
                    hex(f[14]), integer(f[15]), integer(f[16]), integer(f[17]), integer(f[18]),
                    procsByUuid.getOrDefault(f[1], List.of())));
        }
        return new GpuSnapshot(epochMillis, "nvidia-smi", driver, gpus, problems, List.of(), LIMITATIONS);
    }

    private static String[] fields(String line) {
        String[] f = line.split(",", -1);
        for (int i = 0; i < f.length; i++) {
            f[i] = f[i].strip();
        }
        return f;
    }

    /** nvidia-smi marks missing values in brackets ("[N/A]", "[Not Supported]") or as "N/A". */
    private static boolean missing(String s) {
        return s.isEmpty() || s.startsWith("[") || s.equalsIgnoreCase("N/A");
    }

    static OptionalDouble number(String s) {
        if (missing(s)) {
            return OptionalDouble.empty();
        }
        try {
            return OptionalDouble.of(Double.parseDouble(s));
        } catch (NumberFormatException e) {
            return OptionalDouble.empty();
        }
    }

    static OptionalLong integer(String s) {
        if (missing(s)) {
            return OptionalLong.empty();
        }
        try {
            return OptionalLong.of(Long.parseLong(s));
        } catch (NumberFormatException e) {
            OptionalDouble d = number(s);
            return d.isPresent() ? OptionalLong.of(Math.round(d.getAsDouble())) : OptionalLong.empty();
        }
    }

    static OptionalLong hex(String s) {
        if (missing(s)) {
            return OptionalLong.empty();
        }
        String t = s.toLowerCase(Locale.ROOT);
        try {
            return OptionalLong.of(t.startsWith("0x") ? Long.parseUnsignedLong(t.substring(2), 16) : Long.parseLong(t));
        } catch (NumberFormatException e) {
            return OptionalLong.empty();
        }
    }

    @Override
    public void close() {
        try {
            Files.deleteIfExists(output);
        } catch (IOException e) {
            // A stale temp file is harmless.
        }
    }
}
