package io.vigil.inventory;

/**
 * A well-known AI service port from the catalogue: {@code service} is its name ({@code jupyter},
 * {@code model-server}), {@code probe} how to ask it whether it answers without authentication, and
 * {@code executesCode} whether an unauthenticated caller can run code through it (a notebook, Ray's
 * job API), which makes an open one on all interfaces critical. Immutable.
 */
public record ServiceDefinition(int port, String service, ProbeKind probe, boolean executesCode) {
}
