package io.vigil.fleet.prometheus;

import io.vigil.fleet.CompositeFleetReader;
import io.vigil.fleet.FleetAuth;
import io.vigil.fleet.FleetEndpoint;
import io.vigil.fleet.FleetReader;
import io.vigil.fleet.FleetSettings;
import io.vigil.fleet.PromQlQuery;
import java.net.http.HttpClient;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;

/**
 * Turns the {@code fleet:} settings into readers: one {@link PrometheusClient} per endpoint with its
 * auth (basic, bearer, mTLS, SigV4) and TLS, and one {@link FleetReader} over all of them.
 * {@code env} resolves {@code env:NAME} secrets. Bad settings throw {@link IllegalArgumentException}
 * naming the endpoint.
 */
public final class PrometheusEndpoints {

    private PrometheusEndpoints() {
    }

    /** The client of {@code endpoint}. */
    public static PrometheusClient client(FleetEndpoint endpoint, Map<String, String> env, Clock clock) {
        String where = "fleet endpoint '" + endpoint.name() + "'";
        FleetAuth a = endpoint.auth();
        HttpClient.Builder http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5))
                .followRedirects(HttpClient.Redirect.NEVER);
        if (!a.caFile().isEmpty() || !a.certFile().isEmpty()) {
            http.sslContext(TlsContexts.create(a.caFile().isEmpty() ? null : SecretRef.path(a.caFile()),
                    a.certFile().isEmpty() ? null : SecretRef.path(a.certFile()),
                    a.keyFile().isEmpty() ? null : SecretRef.path(a.keyFile()), where));
        }
        RequestAuth auth = switch (a.kind()) {
            case NONE, MTLS -> RequestAuth.NONE;
            case BASIC -> new BasicAuth(a.username(), new SecretRef(a.password(), where + " auth.password", env));
            case BEARER -> new BearerAuth(new SecretRef(a.token(), where + " auth.token", env));
            case SIGV4 -> {
                String region = a.region().isEmpty() ? SigV4Auth.regionOf(endpoint.uri()) : a.region();
                if (region.isEmpty()) {
                    throw new IllegalArgumentException(where + ": auth type sigv4 needs region (or an"
                            + " aps-workspaces.<region>.amazonaws.com url)");
                }
                DefaultCredentialsProvider.Builder creds = DefaultCredentialsProvider.builder();
                if (!a.profile().isEmpty()) {
                    creds.profileName(a.profile());
                }
                yield new SigV4Auth(region, creds.build(), clock);
            }
        };
        return new PrometheusClient(endpoint.name(), endpoint.uri(), http.build(), auth, endpoint.timeout());
    }

    /** The fleet's reader and a PromQL query over the same endpoints (results of all, concatenated). */
    public record Connection(FleetReader reader, PromQlQuery query, List<PrometheusClient> clients) {
    }

    /** Connects to every configured endpoint, with the built-in exporter mapping. */
    public static Connection connect(FleetSettings settings, Map<String, String> env, Clock clock) {
        ExporterMapping mapping = ExporterMapping.builtIn();
        List<FleetReader> readers = new ArrayList<>();
        List<PrometheusClient> clients = new ArrayList<>();
        for (FleetEndpoint e : settings.effectiveEndpoints()) {
            PrometheusClient c = client(e, env, clock);
            clients.add(c);
            readers.add(new PrometheusFleetReader(c, mapping));
        }
        if (readers.isEmpty()) {
            throw new IllegalArgumentException("no fleet endpoint is configured");
        }
        FleetReader reader = readers.size() == 1 ? readers.getFirst() : new CompositeFleetReader(readers);
        PromQlQuery query = clients.size() == 1 ? clients.getFirst() : (expression, at) -> {
            List<PromQlQuery.Value> out = new ArrayList<>();
            for (PrometheusClient c : clients) {
                out.addAll(c.query(expression, at));
            }
            return out;
        };
        return new Connection(reader, query, List.copyOf(clients));
    }
}
