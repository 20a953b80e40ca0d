package io.vigil.cloud;

import java.time.Duration;

/**
 * The {@code cloud:} section of {@code settings.yaml}. The profile and region may also come from
 * {@code AWS_PROFILE} / {@code AWS_REGION}. No secret is ever part of it: credentials come only from
 * the AWS SDK's default provider chain. Immutable.
 *
 * @param profile          AWS profile name in {@code ~/.aws/config}; blank means the SDK's default chain
 * @param region           region of the CloudWatch alarms; billing data is always read in us-east-1
 * @param monthlyBudgetUsd the analyst's monthly budget in USD, 0 when none is set
 * @param costExplorer     Cost Explorer polling and its paid-request budget
 * @param cloudWatch       CloudWatch polling
 * @param enabled          false: no AWS call at all (no source, no client is built); null means true
 */
public record CloudSettings(String profile, String region, double monthlyBudgetUsd, CostExplorer costExplorer,
                            CloudWatch cloudWatch, Boolean enabled) {

    public CloudSettings(String profile, String region, double monthlyBudgetUsd, CostExplorer costExplorer,
                         CloudWatch cloudWatch) {
        this(profile, region, monthlyBudgetUsd, costExplorer, cloudWatch, true);
    }

    public CloudSettings {
        enabled = enabled == null || enabled;
        profile = profile == null ? "" : profile.strip();
        region = region == null || region.isBlank() ? "us-east-1" : region.strip();
        if (monthlyBudgetUsd < 0) {
            throw new IllegalArgumentException("cloud.monthlyBudgetUsd must be 0 (none) or more, was " + monthlyBudgetUsd);
        }
        costExplorer = costExplorer == null ? new CostExplorer(0, 0, 0, 0, 0) : costExplorer;
        cloudWatch = cloudWatch == null ? new CloudWatch(0) : cloudWatch;
    }

    /** Defaults as in {@code default-settings.yaml}. */
    public static CloudSettings defaults() {
        return new CloudSettings("", "us-east-1", 0, null, null);
    }

    /**
     * Cost Explorer: every request costs USD 0.01, so how often each part is refreshed matters.
     *
     * @param dailyRequestBudget   most requests per UTC day (each page counts); default 50
     * @param periodMinutes        how often the recent days' costs are refreshed; default 60
     * @param fullRefreshHours     how often the whole 30-day window is re-read; default 8
     * @param forecastRefreshHours how often the forecast is re-read; default 8
     * @param anomalyRefreshHours  how often anomalies are re-read; default 4
     */
    public record CostExplorer(int dailyRequestBudget, double periodMinutes, double fullRefreshHours,
                               double forecastRefreshHours, double anomalyRefreshHours) {
        public CostExplorer {
            dailyRequestBudget = dailyRequestBudget <= 0 ? 50 : dailyRequestBudget;
            periodMinutes = periodMinutes <= 0 ? 60 : Math.max(periodMinutes, 5);
            fullRefreshHours = fullRefreshHours <= 0 ? 8 : fullRefreshHours;
            forecastRefreshHours = forecastRefreshHours <= 0 ? 8 : forecastRefreshHours;
            anomalyRefreshHours = anomalyRefreshHours <= 0 ? 4 : anomalyRefreshHours;
        }

        public Duration period() {
            return Duration.ofMillis((long) (periodMinutes * 60_000));
        }

        public Duration fullRefresh() {
            return Duration.ofMillis((long) (fullRefreshHours * 3_600_000));
        }

        public Duration forecastRefresh() {
            return Duration.ofMillis((long) (forecastRefreshHours * 3_600_000));
        }

        public Duration anomalyRefresh() {
            return Duration.ofMillis((long) (anomalyRefreshHours * 3_600_000));
        }
    }

    /** CloudWatch billing metric and alarm states; {@code periodMinutes} default 5. */
    public record CloudWatch(double periodMinutes) {
        public CloudWatch {
            periodMinutes = periodMinutes <= 0 ? 5 : Math.max(periodMinutes, 1);
        }

        public Duration period() {
            return Duration.ofMillis((long) (periodMinutes * 60_000));
        }
    }
}
