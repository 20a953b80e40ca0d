package io.vigil.host;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** Which listening sockets other machines can reach, whichever way the address was printed. */
class ListeningPortTest {

    @Test
    void loopbackInEveryPrintedFormIsNotExposedAndEverythingElseIs() {
        for (String loopback : new String[] {"127.0.0.1", "127.0.0.53", "::1", "0:0:0:0:0:0:0:1", "::ffff:127.0.0.1"}) {
            assertFalse(new ListeningPort("tcp", loopback, 8080, 1).isExposed(), loopback);
        }
        for (String wide : new String[] {"0.0.0.0", "::", "0:0:0:0:0:0:0:0", "10.0.0.5", "fe80:0:0:0:0:0:0:1", "*"}) {
            assertTrue(new ListeningPort("tcp", wide, 8080, 1).isExposed(), wide);
        }
    }
}
