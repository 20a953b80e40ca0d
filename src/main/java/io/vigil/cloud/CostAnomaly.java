package io.vigil.cloud;

import java.time.LocalDate;
import java.util.List;
import java.util.Optional;

/**
 * A cost anomaly found by AWS Cost Anomaly Detection. Impacts in USD; scores from 0 to 1. Immutable.
 *
 * @param end       last day of the anomaly, empty while it is still open
 * @param dimension the monitored dimension value (e.g. the service) AWS reports
 */
public record CostAnomaly(String id, LocalDate start, Optional<LocalDate> end, String dimension, double maxScore,
                          double currentScore, double totalImpactUsd, double maxImpactUsd, List<RootCause> rootCauses,
                          String monitorArn) {

    public CostAnomaly {
        rootCauses = List.copyOf(rootCauses);
    }

    /** Open: no end date yet, or it ended no earlier than yesterday. */
    public boolean isOpen(LocalDate today) {
        return end.isEmpty() || !end.get().isBefore(today.minusDays(1));
    }

    /** One root cause as AWS reports it; any part may be empty. */
    public record RootCause(String service, String linkedAccount, String linkedAccountName, String region,
                            String usageType) {
        /** "Amazon EC2 · 123456789012 (prod) · us-east-1 · BoxUsage:p4d.24xlarge", empty parts left out. */
        public String describe() {
            StringBuilder sb = new StringBuilder();
            for (String part : new String[] {service, linkedAccount.isEmpty() ? ""
                    : linkedAccount + (linkedAccountName.isEmpty() ? "" : " (" + linkedAccountName + ")"), region,
                    usageType}) {
                if (part != null && !part.isEmpty()) {
                    if (!sb.isEmpty()) {
                        sb.append(" · ");
                    }
                    sb.append(part);
                }
            }
            return sb.toString();
        }
    }
}
