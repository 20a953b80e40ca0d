package io.vigil.cloud;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * After AWS refused the credentials (expired, denied), polls come back every {@link #RECHECK} but
 * send nothing until the AWS credential files change (their modification times: the shared
 * credentials and config files, honouring {@code AWS_SHARED_CREDENTIALS_FILE} and
 * {@code AWS_CONFIG_FILE}, and the SSO token cache that {@code aws sso login} writes) or the long
 * recheck of {@link AwsProblem#SERVER_SIDE_RECHECK} has passed. So a fix is picked up within a
 * minute, without paying a Cost Explorer request a minute while nothing changed (ADR 0213).
 *
 * <p>Not thread-safe: used by one source's polls, which never overlap; {@link #reset()} may be
 * called from any thread.
 */
public final class CredentialGate {

    /** How often a source whose credentials were refused looks at the files again. */
    public static final Duration RECHECK = Duration.ofSeconds(60);

    private final List<Path> files;
    private AwsProblem refused;
    private Instant refusedAt;
    private List<Long> signatureAtRefusal;
    private volatile boolean reset;

    /** Watches {@code files} (a directory's own time changes when a file in it is written). */
    public CredentialGate(List<Path> files) {
        this.files = List.copyOf(files);
    }

    /** The files the SDK's default chain reads, from the environment as the SDK resolves them. */
    public static CredentialGate forEnvironment(Map<String, String> env) {
        Path home = Path.of(System.getProperty("user.home"));
        List<Path> files = new ArrayList<>();
        files.add(env.containsKey("AWS_SHARED_CREDENTIALS_FILE") ? Path.of(env.get("AWS_SHARED_CREDENTIALS_FILE"))
                : home.resolve(".aws/credentials"));
        files.add(env.containsKey("AWS_CONFIG_FILE") ? Path.of(env.get("AWS_CONFIG_FILE"))
                : home.resolve(".aws/config"));
        files.add(home.resolve(".aws/sso/cache"));
        return new CredentialGate(files);
    }

    /**
     * The refusal to repeat without sending anything, when credentials were refused and neither the
     * files nor the long recheck say to try again; empty means send.
     */
    public Optional<AwsProblem> stillRefused(Instant now) {
        if (refused == null || reset) {
            reset = false;
            refused = null;
            return Optional.empty();
        }
        if (!now.isBefore(refusedAt.plus(AwsProblem.SERVER_SIDE_RECHECK)) || !signature().equals(signatureAtRefusal)) {
            refused = null;
            return Optional.empty();
        }
        return Optional.of(refused);
    }

    /** Records the outcome of a poll that sent requests; returns when to poll again after {@code p}. */
    public Duration failed(AwsProblem p, Instant now) {
        if (p.kind() == AwsProblem.Kind.EXPIRED || p.kind() == AwsProblem.Kind.ACCESS_DENIED) {
            refused = p;
            refusedAt = now;
            signatureAtRefusal = signature();
            return RECHECK;
        }
        refused = null;
        return p.retryAfter();
    }

    public void succeeded() {
        refused = null;
    }

    /** "Retry now": the next poll sends whatever the files say. */
    public void reset() {
        reset = true;
    }

    private List<Long> signature() {
        List<Long> out = new ArrayList<>();
        for (Path f : files) {
            try {
                out.add(Files.getLastModifiedTime(f).toMillis());
            } catch (java.io.IOException | SecurityException e) {
                out.add(-1L); // absent counts as a state: appearing is a change
            }
        }
        return out;
    }
}
