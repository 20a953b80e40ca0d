package io.vigil.playbook;

import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Removes secrets from program output before it is shown, stored or exported: AWS access key ids
 * ({@code AKIA…}, {@code ASIA…}), AWS secret keys, bearer and basic credentials, GitHub and Slack
 * tokens, Slack webhook URLs, passwords in URLs and {@code password=}/{@code token=}/{@code secret=}
 * style pairs. Works line by line; a secret split over two lines is not recognised.
 *
 * <p>Thread-safe: immutable.
 */
public final class SecretRedactor {

    /** What replaces a secret. */
    public static final String MASK = "[REDACTED]";

    private record Rule(Pattern pattern, String replacement) {
    }

    private static final List<Rule> RULES = List.of(
            // AWS access key ids: a 4-letter prefix naming the key kind, then 16 upper-case letters/digits.
            new Rule(Pattern.compile("\\b(?:AKIA|ASIA|AGPA|AIDA|AROA|ANPA|ANVA|AIPA|ABIA|ACCA)[A-Z0-9]{16}\\b"), MASK),
            new Rule(Pattern.compile("\\b(?:ghp|gho|ghu|ghs|ghr)_[A-Za-z0-9]{30,255}\\b"), MASK),
            new Rule(Pattern.compile("\\bgithub_pat_[A-Za-z0-9_]{22,255}\\b"), MASK),
            new Rule(Pattern.compile("\\bxox[abposre]-[A-Za-z0-9-]{10,}"), MASK),
            new Rule(Pattern.compile("https://hooks\\.slack\\.com/services/[A-Za-z0-9/_-]+"), "https://hooks.slack.com/services/" + MASK),
            new Rule(Pattern.compile("(?i)\\b(bearer|basic)(\\s+)[A-Za-z0-9\\-._~+/]+=*"), "$1$2" + MASK),
            // user:password@ in URLs.
            new Rule(Pattern.compile("(://[^/\\s:@]+:)[^/\\s@]+@"), "$1" + MASK + "@"),
            // key=value, key: value, "key": "value" where the key names a secret.
            new Rule(Pattern.compile("(?i)([A-Za-z0-9_.-]*(?:password|passwd|pwd|token|secret|api[_-]?key|access[_-]?key"
                    + "|private[_-]?key|credential)[A-Za-z0-9_.-]*[\"']?\\s*[=:]\\s*)(\"[^\"]*\"|'[^']*'|[^\\s,;&\"'}]+)"),
                    "$1" + MASK),
            // A bare 40-character AWS secret access key: base64 alphabet with upper, lower and a digit
            // (hex digests are lower-case only, so SHA-1 hashes are kept).
            new Rule(Pattern.compile("(?<![A-Za-z0-9/+=])(?=[A-Za-z0-9/+]*[a-z])(?=[A-Za-z0-9/+]*[A-Z])"
                    + "(?=[A-Za-z0-9/+]*[0-9])[A-Za-z0-9/+]{40}(?![A-Za-z0-9/+=])"), MASK));

    /** {@code line} with every recognised secret replaced by {@link #MASK}. */
    public String redact(String line) {
        String out = line;
        for (Rule rule : RULES) {
            Matcher m = rule.pattern().matcher(out);
            if (m.find()) {
                out = m.replaceAll(rule.replacement());
            }
        }
        return out;
    }
}
