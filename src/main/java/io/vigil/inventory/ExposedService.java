package io.vigil.inventory;

/**
 * A listening port mapped to a known AI service: the port, the service name, the bind address as
 * the OS printed it and its {@link BindScope}, the owning pid (0 when unknown), the probe result and
 * the resulting severity. Immutable.
 */
public record ExposedService(int port, String service, String bindAddress, BindScope bind, int pid,
                             ProbeResult probe, Severity severity) {
}
