package io.vigil.host;

/**
 * A TCP socket in LISTEN state. {@code pid} is 0 when the OS did not tell us the owner (another
 * user's process, without privileges). {@code address} is printable ({@code 0.0.0.0}, {@code ::1}).
 */
public record ListeningPort(String protocol, String address, int port, int pid) {

    /** True when the socket accepts connections from other machines, not just this one. */
    public boolean isExposed() {
        // Parsed, not compared as text: IPv6 loopback prints as 0:0:0:0:0:0:0:1 as often as ::1,
        // and an IPv4-mapped ::ffff:127.0.0.1 is loopback too. No name lookup: literals only.
        try {
            return !java.net.InetAddress.ofLiteral(address).isLoopbackAddress();
        } catch (IllegalArgumentException notALiteral) {
            return true; // "*" or anything unparsed: assume the wider exposure
        }
    }
}
