package io.vigil.cloud;

import java.time.Duration;
import java.util.List;
import java.util.Locale;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.core.exception.ApiCallAttemptTimeoutException;
import software.amazon.awssdk.core.exception.ApiCallTimeoutException;
import software.amazon.awssdk.core.exception.SdkClientException;

/**
 * An AWS failure translated into what the analyst can do about it, and when Vigil tries again.
 * Immutable.
 *
 * @param kind       what went wrong
 * @param message    the text shown in the status bar and the Cloud view
 * @param retryAfter when the source polls again
 */
public record AwsProblem(Kind kind, String message, Duration retryAfter) {

    /** The IAM actions Vigil's read-only polling needs. */
    public static final List<String> READ_ACTIONS = List.of("ce:GetCostAndUsage", "ce:GetCostForecast",
            "ce:GetAnomalies", "ce:GetAnomalyMonitors", "cloudwatch:GetMetricData", "cloudwatch:DescribeAlarms");

    /** The kinds of failure, each with its own guidance. */
    public enum Kind {
        /** The default chain found no credentials: explain how to set them up. */
        NO_CREDENTIALS,
        /** The SSO session or temporary credentials expired: log in again. */
        EXPIRED,
        /** Credentials are fine but lack permissions: list the IAM actions. */
        ACCESS_DENIED,
        /** AWS is throttling: wait. */
        THROTTLED,
        /** 5xx, timeouts, network: transient, retried with backoff. */
        UNAVAILABLE,
        /** Today's Cost Explorer request budget is used up. */
        BUDGET_EXHAUSTED;

        /** True when only the analyst can fix it (credentials, permissions). */
        public boolean needsAction() {
            return this == NO_CREDENTIALS || this == EXPIRED || this == ACCESS_DENIED;
        }
    }

    // Client-side credential failures send nothing, so re-checking often is free; server-side ones
    // may cost a Cost Explorer request, so they wait longer.
    static final Duration CLIENT_SIDE_RECHECK = Duration.ofSeconds(60);
    static final Duration SERVER_SIDE_RECHECK = Duration.ofMinutes(15);
    static final Duration TRANSIENT_BASE = Duration.ofSeconds(30);
    static final Duration TRANSIENT_MAX = Duration.ofMinutes(15);

    /**
     * Classifies {@code failure} from a call to {@code service} ("Cost Explorer", "CloudWatch").
     *
     * @param consecutive how many polls in a row failed, this one included (for the backoff)
     */
    public static AwsProblem classify(Throwable failure, String service, String profile, int consecutive) {
        BudgetExhaustedException budget = find(failure, BudgetExhaustedException.class);
        if (budget != null) {
            return new AwsProblem(Kind.BUDGET_EXHAUSTED, budget.getMessage(), null);
        }
        Duration backoff = backoff(consecutive);
        if (failure instanceof AwsServiceException ase) {
            String code = ase.awsErrorDetails() == null || ase.awsErrorDetails().errorCode() == null
                    ? "" : ase.awsErrorDetails().errorCode();
            String codeLower = code.toLowerCase(Locale.ROOT);
            if (codeLower.contains("expiredtoken") || codeLower.equals("requestexpired")
                    || codeLower.equals("unrecognizedclientexception") || codeLower.equals("invalidclienttokenid")) {
                return new AwsProblem(Kind.EXPIRED, expiredMessage(profile, code), SERVER_SIDE_RECHECK);
            }
            if (codeLower.contains("accessdenied") || codeLower.equals("unauthorizedoperation")
                    || ase.statusCode() == 403) {
                String action = deniedAction(ase.awsErrorDetails() == null ? ase.getMessage()
                        : ase.awsErrorDetails().errorMessage());
                // The action AWS refused first: that is the one to grant; then the whole read-only list.
                return new AwsProblem(Kind.ACCESS_DENIED, service + " denied "
                        + (action.isEmpty() ? "access" : action) + " (" + code + "). "
                        + (action.isEmpty() ? "" : "Grant " + action + ". ")
                        + "Vigil needs these read-only IAM actions: " + String.join(", ", READ_ACTIONS) + ".",
                        SERVER_SIDE_RECHECK);
            }
            if (ase.isThrottlingException() || codeLower.contains("throttl") || codeLower.equals("limitexceededexception")
                    || ase.statusCode() == 429) {
                return new AwsProblem(Kind.THROTTLED, service + " is throttling requests (" + code + ")",
                        backoff.multipliedBy(2).compareTo(TRANSIENT_MAX) > 0 ? TRANSIENT_MAX : backoff.multipliedBy(2));
            }
            if (ase.statusCode() >= 500) {
                return new AwsProblem(Kind.UNAVAILABLE, service + " answered HTTP " + ase.statusCode()
                        + (code.isEmpty() ? "" : " (" + code + ")"), backoff);
            }
            return new AwsProblem(Kind.UNAVAILABLE, service + " rejected the request: " + code + " "
                    + firstLine(ase.awsErrorDetails() == null ? ase.getMessage() : ase.awsErrorDetails().errorMessage()),
                    SERVER_SIDE_RECHECK);
        }
        if (failure instanceof ApiCallTimeoutException || failure instanceof ApiCallAttemptTimeoutException
                || find(failure, java.net.SocketTimeoutException.class) != null) {
            return new AwsProblem(Kind.UNAVAILABLE, service + " did not answer in time", backoff);
        }
        if (failure instanceof SdkClientException) {
            String m = String.valueOf(failure.getMessage());
            String lower = m.toLowerCase(Locale.ROOT);
            if (lower.contains("sso") && (lower.contains("expired") || lower.contains("invalid")
                    || lower.contains("sso login"))) {
                return new AwsProblem(Kind.EXPIRED, expiredMessage(profile, "SSO token expired"), CLIENT_SIDE_RECHECK);
            }
            if (lower.contains("token") && lower.contains("expired")) {
                return new AwsProblem(Kind.EXPIRED, expiredMessage(profile, "token expired"), CLIENT_SIDE_RECHECK);
            }
            if (lower.contains("unable to load credentials") || lower.contains("profile file contained no credentials")
                    || lower.contains("does not exist") && lower.contains("profile")) {
                return new AwsProblem(Kind.NO_CREDENTIALS, noCredentialsMessage(profile), CLIENT_SIDE_RECHECK);
            }
            return new AwsProblem(Kind.UNAVAILABLE, "cannot reach " + service + ": " + firstLine(m), backoff);
        }
        return new AwsProblem(Kind.UNAVAILABLE, service + " failed: " + failure.getClass().getSimpleName()
                + (failure.getMessage() == null ? "" : ": " + firstLine(failure.getMessage())), backoff);
    }

    private static final java.util.regex.Pattern DENIED_ACTION =
            java.util.regex.Pattern.compile("perform: ([a-z0-9-]{1,40}:[A-Za-z0-9]{1,80})");

    /** The IAM action named in AWS's "is not authorized to perform: ce:GetCostAndUsage …", or "". */
    static String deniedAction(String message) {
        if (message == null) {
            return "";
        }
        var m = DENIED_ACTION.matcher(message);
        return m.find() ? m.group(1) : "";
    }

    /** Guidance when the default chain found no credentials. */
    public static String noCredentialsMessage(String profile) {
        return "No AWS credentials found" + ("default".equals(profile) ? "" : " for profile '" + profile + "'")
                + ". Set them up with `aws configure sso` then `aws sso login --profile NAME` (or `aws configure` "
                + "for access keys), and choose the profile in Settings (cloud.profile) or with AWS_PROFILE. "
                + "Vigil reads credentials only through the AWS SDK's default chain and stores none.";
    }

    static String expiredMessage(String profile, String code) {
        return "AWS credentials have expired (" + code + "): run `aws sso login --profile " + profile
                + "` (or refresh your temporary credentials); Vigil retries by itself.";
    }

    static Duration backoff(int consecutive) {
        int shift = Math.min(Math.max(consecutive - 1, 0), 10);
        Duration d = TRANSIENT_BASE.multipliedBy(1L << shift);
        return d.compareTo(TRANSIENT_MAX) > 0 ? TRANSIENT_MAX : d;
    }

    private static String firstLine(String s) {
        if (s == null) {
            return "";
        }
        int nl = s.indexOf('\n');
        String line = nl < 0 ? s : s.substring(0, nl);
        return line.length() > 200 ? line.substring(0, 200) + "…" : line;
    }

    static <T extends Throwable> T find(Throwable t, Class<T> type) {
        for (Throwable c = t; c != null; c = c.getCause()) {
            if (type.isInstance(c)) {
                return type.cast(c);
            }
            if (c.getCause() == c) {
                break;
            }
        }
        return null;
    }
}
