package io.vigil.fleet.prometheus;

import io.vigil.fleet.FleetException;
import java.net.URI;
import java.util.Map;

/**
 * How one Prometheus endpoint's requests are authenticated: the headers to add to a request, worked
 * out per request (SigV4 signs each one; a token file may have been rotated). mTLS is not here: it
 * lives in the endpoint's {@link java.net.http.HttpClient}. Implementations never put a secret in
 * {@link #describe()} or an exception message. Thread-safe.
 */
public interface RequestAuth {

    /** No authentication. */
    RequestAuth NONE = new RequestAuth() {
        @Override
        public Map<String, String> headers(String method, URI uri, String contentType, byte[] body) {
            return Map.of();
        }

        @Override
        public String describe() {
            return "none";
        }
    };

    /**
     * The headers to send with this request ({@code Authorization}, {@code X-Amz-Date}, …). The
     * {@code Host} header is the one Java's HTTP client derives from {@code uri}.
     */
    Map<String, String> headers(String method, URI uri, String contentType, byte[] body) throws FleetException;

    /** What kind of auth this is, for messages ({@code basic (user alice)}); never a secret. */
    String describe();
}
