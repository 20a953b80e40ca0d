package io.vigil.cloud;

import io.vigil.telemetry.MetricId;

/** Metric names published by the cloud sources (the team's cost contract). All amounts in USD. */
public final class CostMetrics {

    public static final String DAILY_TOTAL = "cost.daily.total";
    public static final String DAILY_BY_SERVICE = "cost.daily";
    public static final String MTD = "cost.mtd";
    public static final String FORECAST_EOM = "cost.forecast.eom";
    public static final String BUDGET_MONTHLY = "cost.budget.monthly";
    public static final String BUDGET_PACE_RATIO = "cost.budget.pace_ratio";
    public static final String ANOMALY_IMPACT = "cost.anomaly.impact";
    public static final String REQUESTS_TODAY = "cost.requests.today";
    public static final String ESTIMATED_CHARGES = "cloudwatch.billing.estimated_charges";
    public static final String ALARM_IN_ALARM = "cloudwatch.alarm.in_alarm";

    public static final MetricId DAILY_TOTAL_ID = MetricId.of(DAILY_TOTAL);
    public static final MetricId MTD_ID = MetricId.of(MTD);
    public static final MetricId FORECAST_EOM_ID = MetricId.of(FORECAST_EOM);
    public static final MetricId ESTIMATED_CHARGES_ID = MetricId.of(ESTIMATED_CHARGES);

    private CostMetrics() {
    }
}
