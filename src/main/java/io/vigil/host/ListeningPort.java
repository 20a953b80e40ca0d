package io.vigil.host;

/**
 * A TCP socket in LISTEN state. {@code pid} is 0 when the OS did not tell us the owner (another
 * user's process, without privileges). {@code address} is printable ({@code 0.0.0.0}, {@code ::1}).
 */
public record ListeningPort(String protocol, String address, int port, int pid) {

    /** True when the socket accepts connections from other machines, not just this one. */
    public boolean isExposed() {
        return !(address.startsWith("127.") || address.equals("::1"));
    }
}
