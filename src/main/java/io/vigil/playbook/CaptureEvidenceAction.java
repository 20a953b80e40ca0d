package io.vigil.playbook;

import io.vigil.store.OwnerOnly;
import io.vigil.text.SafeText;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * {@code capture_evidence}: what a destructive playbook saves before it acts, into the run's evidence
 * folder, with a SHA-256 manifest ({@value #MANIFEST}) whose own digest is written to the step's
 * output, and so into the step's audit entry and the audit chain.
 *
 * <p>With {@code pid}: the command line and environment (each element redacted and escaped; a
 * variable whose name says secret, token, password or key keeps only its name), the executable's
 * SHA-256 (through {@code /proc/PID/exe}, so a deleted binary still hashes), the open descriptors and
 * their targets, the process's socket tables ({@code net/tcp*}, {@code net/udp*}: its connections by
 * the socket inodes in the descriptor list), its memory maps and status. Every read is capped
 * ({@link #MAX_TEXT_BYTES}, {@link #MAX_MAPS_BYTES}, {@link #MAX_FDS}) so a process that pads its argv
 * or maps a million regions cannot make the capture fail or run long; the step's timeout bounds the
 * rest. With {@code container}: {@code docker inspect}. With {@code deployment} (and
 * {@code namespace}): {@code kubectl get deployment -o yaml} and its namespace's pods.
 *
 * <p>A capture that cannot read what it must (the process is gone or another user's, the folder is
 * not writable, docker fails) throws: the runner then does not run the destructive steps after it
 * unless the analyst overrode evidence-first for the run. Thread-safe: stateless apart from settings.
 */
public final class CaptureEvidenceAction implements BuiltInAction {

    public static final String NAME = "capture_evidence";
    public static final String MANIFEST = "evidence-manifest.sha256";
    static final int MAX_TEXT_BYTES = 1 << 20;
    static final int MAX_MAPS_BYTES = 16 << 20;
    static final int MAX_FDS = 10_000;
    private static final Pattern SECRET_NAME = Pattern.compile("(?i).*(secret|token|passw|pwd|key|credential|auth).*");
    private static final Pattern NAME_ARG = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_.:/@-]{0,252}");

    private final Path procRoot;

    /** Reads processes under {@code procRoot} (normally {@code /proc}). */
    public CaptureEvidenceAction(Path procRoot) {
        this.procRoot = procRoot;
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public int run(Map<String, String> args, ActionContext ctx) throws ActionException {
        String pid = args.getOrDefault("pid", "").strip();
        String container = args.getOrDefault("container", "").strip();
        String deployment = args.getOrDefault("deployment", "").strip();
        Path dir = ctx.evidenceDir();
        Map<String, byte[]> files = new TreeMap<>();
        List<String> problems = new ArrayList<>();
        String prefix;
        if (!pid.isEmpty()) {
            if (!ParameterBinder.PID.matcher(pid).matches()) {
                throw new ActionException("pid: a process id, got '" + SafeText.of(pid) + "'");
            }
            prefix = "pid-" + pid + "/";
            process(procRoot.resolve(pid), files, problems, ctx);
        } else if (!container.isEmpty()) {
            prefix = "container-" + checkedName("container", container) + "/";
            files.put("inspect.json", run(ctx, List.of("docker", "inspect", container), problems));
        } else if (!deployment.isEmpty()) {
            String ns = checkedName("namespace", args.getOrDefault("namespace", "default").strip());
            prefix = "deployment-" + ns + "-" + checkedName("deployment", deployment) + "/";
            files.put("deployment.yaml", run(ctx, List.of("kubectl", "get", "deployment", deployment, "-n", ns,
                    "-o", "yaml"), problems));
            files.put("pods.txt", run(ctx, List.of("kubectl", "get", "pods", "-n", ns, "-o", "wide"), problems));
        } else {
            throw new ActionException("capture_evidence needs 'pid', 'container' or 'deployment'");
        }
        String digest = write(dir, prefix, files);
        ctx.out("evidence: " + files.size() + " files in " + dir.resolve(prefix));
        ctx.out("evidence manifest " + prefix + MANIFEST + " sha256:" + digest);
        if (!problems.isEmpty()) {
            throw new ActionException("evidence capture incomplete (" + String.join("; ", problems)
                    + "); the destructive steps will not run unless evidence-first is overridden");
        }
        return 0;
    }

    private void process(Path proc, Map<String, byte[]> files, List<String> problems, ActionContext ctx)
            throws ActionException {
        if (!Files.isDirectory(proc)) {
            throw new ActionException("no process " + proc.getFileName() + " (it may have exited)");
        }
        files.put("cmdline.txt", text(nulList(read(proc.resolve("cmdline"), MAX_TEXT_BYTES, "command line", problems),
                false)));
        files.put("environ.txt", text(nulList(read(proc.resolve("environ"), MAX_TEXT_BYTES, "environment", problems),
                true)));
        files.put("status.txt", read(proc.resolve("status"), MAX_TEXT_BYTES, "status", problems));
        files.put("exe.sha256", exe(proc, problems, ctx));
        files.put("fds.txt", fds(proc, problems));
        for (String t : List.of("tcp", "tcp6", "udp", "udp6")) {
            byte[] b = read(proc.resolve("net").resolve(t), MAX_TEXT_BYTES, null, problems);
            if (b != null) {
                files.put("net-" + t + ".txt", b);
            }
        }
        files.put("maps.txt", read(proc.resolve("maps"), MAX_MAPS_BYTES, "memory maps", problems));
        files.values().removeIf(v -> v == null);
    }

    /** Up to {@code cap} bytes of a /proc file (a cut is marked); null and a problem when it cannot be read. */
    private static byte[] read(Path file, int cap, String what, List<String> problems) {
        try (InputStream in = Files.newInputStream(file)) {
            byte[] b = in.readNBytes(cap);
            if (in.read() >= 0) {
                byte[] mark = ("\n[vigil: cut at " + cap + " bytes]\n").getBytes(StandardCharsets.UTF_8);
                byte[] out = java.util.Arrays.copyOf(b, b.length + mark.length);
                System.arraycopy(mark, 0, out, b.length, mark.length);
                return out;
            }
            return b;
        } catch (IOException e) {
            if (what != null) {
                problems.add("cannot read the " + what + " (" + e.getClass().getSimpleName() + ")");
            }
            return null;
        }
    }

    /** NUL-separated elements, one per line, redacted and escaped; secret-named variables keep their name only. */
    private static List<String> nulList(byte[] raw, boolean environment) {
        if (raw == null) {
            return null;
        }
        List<String> out = new ArrayList<>();
        for (String s : new String(raw, StandardCharsets.UTF_8).split("\0")) {
            if (s.isEmpty()) {
                continue;
            }
            int eq = s.indexOf('=');
            if (environment && eq > 0 && SECRET_NAME.matcher(s.substring(0, eq)).matches()) {
                out.add(SafeText.of(s.substring(0, eq)) + "=[redacted]");
            } else {
                out.add(SafeText.of(s));
            }
        }
        return out;
    }

    private static byte[] text(List<String> lines) {
        return lines == null ? null : (String.join("\n", lines) + "\n").getBytes(StandardCharsets.UTF_8);
    }

    private static byte[] exe(Path proc, List<String> problems, ActionContext ctx) {
        Path exe = proc.resolve("exe");
        String target;
        try {
            target = SafeText.of(Files.readSymbolicLink(exe).toString());
        } catch (IOException e) {
            problems.add("cannot read the executable link (" + e.getClass().getSimpleName() + ")");
            return null;
        }
        try (InputStream in = Files.newInputStream(exe)) {
            MessageDigest md = MessageDigest.getInstance("SHA-256");
            byte[] buf = new byte[1 << 16];
            int n;
            while ((n = in.read(buf)) > 0) {
                if (ctx.cancelled()) {
                    problems.add("the executable was not hashed before the step's deadline");
                    return null;
                }
                md.update(buf, 0, n);
            }
            return (HexFormat.of().formatHex(md.digest()) + "  " + target + "\n").getBytes(StandardCharsets.UTF_8);
        } catch (IOException e) {
            problems.add("cannot hash the executable " + target + " (" + e.getClass().getSimpleName() + ")");
            return null;
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static byte[] fds(Path proc, List<String> problems) {
        StringBuilder sb = new StringBuilder();
        int n = 0;
        try (DirectoryStream<Path> fds = Files.newDirectoryStream(proc.resolve("fd"))) {
            for (Path fd : fds) {
                if (++n > MAX_FDS) {
                    sb.append("[vigil: more than ").append(MAX_FDS).append(" descriptors; the rest left out]\n");
                    break;
                }
                String target;
                try {
                    target = SafeText.of(Files.readSymbolicLink(fd).toString());
                } catch (IOException e) {
                    target = "[closed while reading]";
                }
                sb.append(fd.getFileName()).append(" -> ").append(target).append('\n');
            }
        } catch (IOException e) {
            problems.add("cannot read the open files (" + e.getClass().getSimpleName() + ")");
            return null;
        }
        return sb.toString().getBytes(StandardCharsets.UTF_8);
    }

    private static byte[] run(ActionContext ctx, List<String> argv, List<String> problems) throws ActionException {
        ActionContext.Exec e = ctx.exec(argv);
        if (e.exitCode() != 0) {
            problems.add(argv.get(0) + " " + argv.get(1) + " exited with " + e.exitCode());
        }
        return (String.join("\n", e.lines()) + "\n").getBytes(StandardCharsets.UTF_8);
    }

    private static String checkedName(String what, String value) throws ActionException {
        if (!NAME_ARG.matcher(value).matches()) {
            throw new ActionException(what + ": letters, digits and . _ : / @ - (not first), got '" + SafeText.of(value) + "'");
        }
        return value.replace('/', '_').replace(':', '_').toLowerCase(Locale.ROOT);
    }

    /** Writes the files and their manifest (owner-only); returns the manifest's SHA-256. */
    private static String write(Path dir, String prefix, Map<String, byte[]> files) throws ActionException {
        try {
            Path sub = OwnerOnly.createDirectories(dir.resolve(prefix));
            StringBuilder manifest = new StringBuilder();
            for (Map.Entry<String, byte[]> f : files.entrySet()) {
                Path p = sub.resolve(f.getKey());
                OwnerOnly.createFileIfMissing(p);
                try (OutputStream out = Files.newOutputStream(p)) {
                    out.write(f.getValue());
                }
                OwnerOnly.restrict(p);
                manifest.append(sha256(f.getValue())).append("  ").append(f.getKey()).append('\n');
            }
            byte[] m = manifest.toString().getBytes(StandardCharsets.UTF_8);
            Path mp = sub.resolve(MANIFEST);
            OwnerOnly.createFileIfMissing(mp);
            Files.write(mp, m);
            OwnerOnly.restrict(mp);
            return sha256(m);
        } catch (IOException e) {
            throw new ActionException("cannot write the evidence into " + dir + ": " + e.getMessage()
                    + "; the destructive steps will not run unless evidence-first is overridden");
        }
    }

    static String sha256(byte[] b) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(b));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
