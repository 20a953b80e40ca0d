package io.vigil.playbook;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Ends a process and everything it started. The descendants are listed before anything is
 * signalled: once a parent dies its children are re-parented and can no longer be found through it.
 * Each gets SIGTERM, then SIGKILL after {@code grace}. A grandchild that already detached itself
 * (double fork before the kill) is out of reach; cgroups would be needed for that.
 */
final class ProcessTree {

    private ProcessTree() {
    }

    static void kill(ProcessHandle root, Duration grace) {
        List<ProcessHandle> tree = new ArrayList<>();
        root.descendants().forEach(tree::add);
        tree.add(root);
        for (ProcessHandle h : tree) {
            h.destroy();
        }
        try {
            CompletableFuture.allOf(tree.stream().map(ProcessHandle::onExit).toArray(CompletableFuture[]::new))
                    .get(grace.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException | ExecutionException e) {
            // Someone ignored SIGTERM: SIGKILL below.
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        // Children forked during the grace period are found again through the still-listed handles.
        List<ProcessHandle> late = new ArrayList<>();
        for (ProcessHandle h : tree) {
            h.descendants().forEach(late::add);
        }
        tree.addAll(late);
        for (ProcessHandle h : tree) {
            if (h.isAlive()) {
                h.destroyForcibly();
            }
        }
    }
}
