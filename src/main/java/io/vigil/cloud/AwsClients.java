package io.vigil.cloud;

import io.vigil.store.StoreException;
import java.net.URI;
import java.time.Duration;
import java.util.Optional;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.awscore.retry.AwsRetryStrategy;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.core.client.config.ClientOverrideConfiguration;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.http.SdkHttpClient;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.cloudwatch.CloudWatchClient;
import software.amazon.awssdk.services.costexplorer.CostExplorerClient;

/**
 * The AWS SDK clients Vigil uses, built lazily on first use (the first one takes ~0.7 s, so never on
 * the UI thread) and then kept: Cost Explorer (its endpoint is in us-east-1), CloudWatch in the
 * configured region (alarms) and CloudWatch in us-east-1 (the {@code AWS/Billing} metric exists only
 * there).
 *
 * <p>Credentials come only from the SDK's default provider chain (with the configured profile), or
 * from the provider a test passes in. The endpoint is the SDK's own ({@code AWS_ENDPOINT_URL} is
 * honoured by the SDK) unless one is passed in. Every Cost Explorer HTTP request goes through the
 * {@link RequestBudget} before it is sent; SDK retries are off so that one call is one request
 * (the scheduler backs off instead; ADR 0200). Thread-safe.
 */
public final class AwsClients implements AutoCloseable {

    /** Region of Cost Explorer's endpoint and of the {@code AWS/Billing} metrics. */
    public static final Region BILLING_REGION = Region.US_EAST_1;

    private final CloudSettings settings;
    private final AwsCredentialsProvider credentials;
    private final URI endpoint;
    private final RequestBudget budget;
    private final Duration apiCallTimeout;
    private SdkHttpClient http;
    private CostExplorerClient costExplorer;
    private CloudWatchClient cloudWatch;
    private CloudWatchClient billingCloudWatch;

    /**
     * @param credentials    a provider (tests: static fake keys), or null for the SDK's default chain
     * @param endpoint       an endpoint for every client (tests), or null for the SDK's own
     * @param apiCallTimeout longest time one API call (all its pages are separate calls) may take
     */
    public AwsClients(CloudSettings settings, AwsCredentialsProvider credentials, URI endpoint, RequestBudget budget,
                      Duration apiCallTimeout) {
        this.settings = settings;
        this.credentials = credentials;
        this.endpoint = endpoint;
        this.budget = budget;
        this.apiCallTimeout = apiCallTimeout;
    }

    public CloudSettings settings() {
        return settings;
    }

    /** The profile name for messages, or "default". */
    public String profileName() {
        return settings.profile().isBlank() ? "default" : settings.profile();
    }

    public Optional<URI> endpoint() {
        return Optional.ofNullable(endpoint);
    }

    public synchronized CostExplorerClient costExplorer() {
        if (costExplorer == null) {
            var b = CostExplorerClient.builder().region(BILLING_REGION).httpClient(http())
                    .credentialsProvider(credentials())
                    .overrideConfiguration(override().addExecutionInterceptor(new BudgetInterceptor(budget)).build());
            if (endpoint != null) {
                b.endpointOverride(endpoint);
            }
            costExplorer = b.build();
        }
        return costExplorer;
    }

    /** CloudWatch in the configured region (alarms). */
    public synchronized CloudWatchClient cloudWatch() {
        if (cloudWatch == null) {
            if (Region.of(settings.region()).equals(BILLING_REGION)) {
                cloudWatch = billingCloudWatch();
            } else {
                cloudWatch = buildCloudWatch(Region.of(settings.region()));
            }
        }
        return cloudWatch;
    }

    /** CloudWatch in us-east-1, where {@code EstimatedCharges} and billing alarms live. */
    public synchronized CloudWatchClient billingCloudWatch() {
        if (billingCloudWatch == null) {
            billingCloudWatch = buildCloudWatch(BILLING_REGION);
        }
        return billingCloudWatch;
    }

    /** True when alarms are read from a region other than the billing one. */
    public boolean alarmRegionDiffers() {
        return !Region.of(settings.region()).equals(BILLING_REGION);
    }

    private CloudWatchClient buildCloudWatch(Region region) {
        var b = CloudWatchClient.builder().region(region).httpClient(http()).credentialsProvider(credentials())
                .overrideConfiguration(override().build());
        if (endpoint != null) {
            b.endpointOverride(endpoint);
        }
        return b.build();
    }

    private ClientOverrideConfiguration.Builder override() {
        return ClientOverrideConfiguration.builder()
                .apiCallTimeout(apiCallTimeout)
                // One attempt: each Cost Explorer attempt is a paid request, and the source scheduler's
                // backoff (shown to the user as "retrying in N s") replaces the SDK's hidden retries.
                .retryStrategy(AwsRetryStrategy.doNotRetry());
    }

    private AwsCredentialsProvider credentials() {
        if (credentials != null) {
            return credentials;
        }
        var b = DefaultCredentialsProvider.builder();
        if (!settings.profile().isBlank()) {
            b.profileName(settings.profile());
        }
        return b.build();
    }

    private SdkHttpClient http() {
        if (http == null) {
            http = UrlConnectionHttpClient.builder()
                    .connectionTimeout(Duration.ofSeconds(5))
                    .socketTimeout(apiCallTimeout)
                    .build();
        }
        return http;
    }

    @Override
    public synchronized void close() {
        for (AutoCloseable c : new AutoCloseable[] {costExplorer, cloudWatch, billingCloudWatch, http}) {
            if (c != null) {
                try {
                    c.close();
                } catch (Exception e) {
                    // Closing on shutdown: nothing useful to do with a failure here.
                }
            }
        }
        costExplorer = null;
        cloudWatch = null;
        billingCloudWatch = null;
        http = null;
    }

    /** Counts each Cost Explorer HTTP request just before it is sent, and stops it when over budget. */
    private static final class BudgetInterceptor implements ExecutionInterceptor {
        private final RequestBudget budget;

        BudgetInterceptor(RequestBudget budget) {
            this.budget = budget;
        }

        @Override
        public void beforeTransmission(Context.BeforeTransmission context, ExecutionAttributes attributes) {
            boolean granted;
            try {
                granted = budget.tryAcquire();
            } catch (StoreException e) {
                // Unable to count means unable to promise the budget: do not send.
                throw new IllegalStateException("cannot count Cost Explorer requests: " + e.getMessage(), e);
            }
            if (!granted) {
                throw new BudgetExhaustedException(budget.dailyLimit(), budget.resetsAt());
            }
        }
    }
}
