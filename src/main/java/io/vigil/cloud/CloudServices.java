package io.vigil.cloud;

import java.time.Duration;

/**
 * The cloud feature's services as the composition root builds them: both sources and the
 * guardrails, sharing one set of lazily built SDK clients and one request budget. Building this
 * sends nothing and builds no SDK client; that happens in the first poll, on a poll thread.
 */
public record CloudServices(CostExplorerSource cost, CloudWatchSource cloudWatch, Guardrails guardrails,
                            RequestBudget budget, CloudSettings settings) {

    /** How long one AWS API call may take in the app before it counts as "did not answer". */
    public static final Duration API_CALL_TIMEOUT = Duration.ofSeconds(20);

    /** Services on the SDK's default credential chain and endpoints ({@code AWS_ENDPOINT_URL} honoured). */
    public static CloudServices create(CloudSettings settings, RequestBudget budget) {
        AwsClients clients = new AwsClients(settings, null, null, budget, API_CALL_TIMEOUT);
        return new CloudServices(new CostExplorerSource(clients, budget), new CloudWatchSource(clients),
                new Guardrails(clients), budget, settings);
    }
}
