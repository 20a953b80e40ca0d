package io.vigil.inventory;

/**
 * Asks a listening AI service whether it answers without authentication. {@link ServiceProber}
 * asks over loopback; a scenario replay answers from its recording (ADR 0850). Thread-safe.
 */
public interface ServiceProbe extends AutoCloseable {

    /** The probe result for the service of {@code kind} bound to {@code bindAddress}:{@code port}. */
    ProbeResult probe(ProbeKind kind, String bindAddress, int port);

    @Override
    default void close() {
    }
}
