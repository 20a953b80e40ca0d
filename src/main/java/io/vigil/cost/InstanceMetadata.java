package io.vigil.cost;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Reads the instance type from the EC2 instance metadata service, version 2 only: a session token
 * from {@code PUT /latest/api/token}, then {@code GET /latest/meta-data/instance-type} with it
 * (IMDSv1, a GET without a token, is never used: instances that require v2 refuse it, and a token
 * PUT cannot be forged by a server-side request forgery that only makes GETs). Each request has a
 * short timeout; off EC2 nothing answers and {@link #instanceType()} says why in a {@link Lookup}.
 * Blocking: call it from a poll thread, never the FX thread. Stateless apart from its HTTP client;
 * thread-safe.
 */
public final class InstanceMetadata {

    static final String TOKEN_PATH = "/latest/api/token";
    static final String TYPE_PATH = "/latest/meta-data/instance-type";
    static final String TOKEN_TTL_HEADER = "X-aws-ec2-metadata-token-ttl-seconds";
    static final String TOKEN_HEADER = "X-aws-ec2-metadata-token";
    /** What an instance type looks like; anything else from the endpoint is not used. */
    private static final Pattern TYPE = Pattern.compile("[a-z0-9][a-z0-9.-]{1,40}");

    private final URI endpoint;
    private final Duration timeout;
    private final HttpClient http;

    /** What a lookup found: the instance type, or why there is none (said once in the log and in status). */
    public record Lookup(Optional<String> instanceType, String note) {
    }

    public InstanceMetadata(URI endpoint, Duration timeout) {
        this.endpoint = endpoint;
        this.timeout = timeout;
        // No proxy: the metadata service is link-local, and a proxy would see the token.
        this.http = HttpClient.newBuilder().connectTimeout(timeout).proxy(HttpClient.Builder.NO_PROXY)
                .followRedirects(HttpClient.Redirect.NEVER).build();
    }

    /** Asks the service once. Never throws for a missing or misbehaving service. */
    public Lookup instanceType() {
        try {
            HttpResponse<String> token = http.send(HttpRequest.newBuilder(endpoint.resolve(TOKEN_PATH)).timeout(timeout)
                    .header(TOKEN_TTL_HEADER, "60").PUT(HttpRequest.BodyPublishers.noBody()).build(), body());
            if (token.statusCode() != 200 || token.body().isBlank()) {
                return none("the metadata service at " + endpoint + " refused a session token (HTTP " + token.statusCode() + ")");
            }
            HttpResponse<String> type = http.send(HttpRequest.newBuilder(endpoint.resolve(TYPE_PATH)).timeout(timeout)
                    .header(TOKEN_HEADER, token.body().strip()).GET().build(), body());
            if (type.statusCode() != 200) {
                return none("the metadata service at " + endpoint + " answered HTTP " + type.statusCode()
                        + " for the instance type");
            }
            String t = type.body().strip();
            if (!TYPE.matcher(t).matches()) {
                return none("the metadata service at " + endpoint + " gave no usable instance type");
            }
            return new Lookup(Optional.of(t), "from the EC2 instance metadata (IMDSv2)");
        } catch (IOException e) {
            return none("no EC2 instance metadata at " + endpoint + " (" + e.getClass().getSimpleName()
                    + (e.getMessage() == null ? "" : ": " + e.getMessage()) + ")");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return none("interrupted while asking the EC2 instance metadata");
        } catch (IllegalArgumentException e) {
            return none("the metadata endpoint " + endpoint + " cannot be used: " + e.getMessage());
        }
    }

    /** Only the first 4 KiB of a body is used: the answers are a token and a short name. */
    private static HttpResponse.BodyHandler<String> body() {
        return info -> HttpResponse.BodySubscribers.mapping(HttpResponse.BodySubscribers.ofByteArray(), bytes ->
                new String(bytes, 0, Math.min(bytes.length, 4096), StandardCharsets.UTF_8));
    }

    private static Lookup none(String why) {
        return new Lookup(Optional.empty(), why);
    }
}
