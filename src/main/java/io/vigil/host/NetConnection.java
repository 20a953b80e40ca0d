package io.vigil.host;

/**
 * A TCP connection that is not listening (established, closing, …), with its owning process when
 * the OS tells us (0 otherwise). Used to spot connections to mining pools and exfiltration.
 */
public record NetConnection(String protocol, String localAddress, int localPort, String remoteAddress,
                            int remotePort, String state, int pid) {
}
