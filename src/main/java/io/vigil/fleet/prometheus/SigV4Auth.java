package io.vigil.fleet.prometheus;

import io.vigil.fleet.FleetException;
import java.net.URI;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import software.amazon.awssdk.http.ContentStreamProvider;
import software.amazon.awssdk.http.SdkHttpMethod;
import software.amazon.awssdk.http.SdkHttpRequest;
import software.amazon.awssdk.http.auth.aws.signer.AwsV4HttpSigner;
import software.amazon.awssdk.http.auth.spi.signer.HttpSigner;
import software.amazon.awssdk.http.auth.spi.signer.SignedRequest;
import software.amazon.awssdk.identity.spi.AwsCredentialsIdentity;
import software.amazon.awssdk.identity.spi.IdentityProvider;

/**
 * AWS Signature Version 4 for Amazon Managed Service for Prometheus: each request signed by the AWS
 * SDK's {@link AwsV4HttpSigner} with service signing name {@value #SERVICE} and the endpoint's region,
 * with credentials from the SDK's default provider chain (environment, profiles, SSO, instance
 * roles); Vigil stores none. The IAM principal needs {@code aps:QueryMetrics}, {@code aps:GetSeries},
 * {@code aps:GetLabels}. Thread-safe.
 */
public final class SigV4Auth implements RequestAuth {

    public static final String SERVICE = "aps";
    /** Headers Java's HTTP client sets itself and refuses from callers. */
    private static final Set<String> RESTRICTED = Set.of("host", "content-length", "connection", "expect", "upgrade",
            "content-type");

    private final String region;
    private final IdentityProvider<? extends AwsCredentialsIdentity> credentials;
    private final Clock clock;
    private final AwsV4HttpSigner signer = AwsV4HttpSigner.create();

    public SigV4Auth(String region, IdentityProvider<? extends AwsCredentialsIdentity> credentials, Clock clock) {
        this.region = region;
        this.credentials = credentials;
        this.clock = clock;
    }

    /** The region of an AMP workspace URL ({@code aps-workspaces.<region>.amazonaws.com}), or empty. */
    public static String regionOf(URI url) {
        String host = url.getHost() == null ? "" : url.getHost().toLowerCase(Locale.ROOT);
        String prefix = "aps-workspaces.";
        if (host.startsWith(prefix) && host.indexOf(".amazonaws.com") > prefix.length()) {
            return host.substring(prefix.length(), host.indexOf(".amazonaws.com"));
        }
        return "";
    }

    public String region() {
        return region;
    }

    @Override
    public Map<String, String> headers(String method, URI uri, String contentType, byte[] body) throws FleetException {
        AwsCredentialsIdentity identity;
        try {
            identity = credentials.resolveIdentity().join();
        } catch (RuntimeException e) {
            Throwable cause = e.getCause() != null ? e.getCause() : e;
            throw new FleetException(FleetException.Kind.AUTH, "no AWS credentials for signing (" + cause.getMessage()
                    + "). Vigil uses the AWS SDK's default chain: AWS_PROFILE, aws sso login, environment, instance role", e);
        }
        SdkHttpRequest.Builder request = SdkHttpRequest.builder().method(SdkHttpMethod.fromValue(method)).uri(uri);
        if (contentType != null) {
            request.putHeader("Content-Type", contentType);
        }
        SignedRequest signed = signer.sign(r -> r.request(request.build())
                .payload(ContentStreamProvider.fromByteArray(body))
                .identity(identity)
                .putProperty(AwsV4HttpSigner.SERVICE_SIGNING_NAME, SERVICE)
                .putProperty(AwsV4HttpSigner.REGION_NAME, region)
                .putProperty(HttpSigner.SIGNING_CLOCK, clock));
        Map<String, String> out = new LinkedHashMap<>();
        for (Map.Entry<String, List<String>> h : signed.request().headers().entrySet()) {
            if (!RESTRICTED.contains(h.getKey().toLowerCase(Locale.ROOT))) {
                out.put(h.getKey(), String.join(",", h.getValue()));
            }
        }
        return out;
    }

    @Override
    public String describe() {
        return "sigv4, service " + SERVICE + ", region " + region;
    }
}
