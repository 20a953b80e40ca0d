package io.vigil.text;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Removes secrets from text before it is shown, stored, exported or sent: private key blocks (RSA,
 * PKCS#8, EC, OpenSSH, encrypted; across lines, also when lines arrive one at a time through a
 * {@link Stream}), AWS access key ids and bare secret keys, GitHub, Slack, Hugging Face
 * ({@code hf_…}), OpenAI-style ({@code sk-…}, {@code sk-proj-…}) and Google ({@code AIza…}) tokens,
 * bearer and basic credentials, passwords in URLs, {@code password=}/{@code token=}/{@code secret=}
 * style pairs, secret command-line options ({@code --password X}, {@code --hf-token X},
 * {@code --token X}) and {@code curl -u user:pass}. {@code PWD=} and {@code OLDPWD=} (working
 * folders) are kept.
 *
 * <p>Every rule is a hand-written scan that looks at each character a bounded number of times, so the
 * time is linear in the input whatever a process writes: no regular expression, no backtracking (a
 * miner once padded its argv so that the old patterns took minutes; see
 * docs/decisions/0410-redact-with-linear-hand-written-scanners.md).
 *
 * <p>Thread-safe: stateless; a {@link Stream} holds the state of one output stream and is not.
 * Subclassed only by the playbook package's historical name for it.
 */
public class Redactor {

    /** What replaces a secret. */
    public static final String MASK = "[REDACTED]";

    private static final String[] AWS_KEY_PREFIXES = {"AKIA", "ASIA", "AGPA", "AIDA", "AROA", "ANPA", "ANVA", "AIPA",
        "ABIA", "ACCA"};
    private static final String[] GITHUB_PREFIXES = {"ghp_", "gho_", "ghu_", "ghs_", "ghr_"};
    /** Words that make a key or an option name a secret (lower case). */
    private static final String[] SECRET_WORDS = {"password", "passwd", "pwd", "token", "secret", "apikey", "api_key",
        "api-key", "accesskey", "access_key", "access-key", "privatekey", "private_key", "private-key", "credential"};
    /** Option-name endings that announce a place, not a secret ({@code --token-file /run/t}). */
    private static final String[] NOT_SECRET_SUFFIXES = {"file", "path", "dir", "url", "env", "type", "name", "stdin"};
    private static final String BEGIN = "-----BEGIN ";
    private static final String END = "-----END ";
    private static final String DASHES = "-----";
    private static final String SLACK_HOOK = "https://hooks.slack.com/services/";

    /** {@code text} (one or many lines) with every recognised secret replaced by {@link #MASK}. */
    public final String redact(String text) {
        if (text == null || text.isEmpty()) {
            return text == null ? "" : text;
        }
        Stream stream = new Stream();
        if (text.indexOf('\n') < 0) {
            return stream.line(text);
        }
        StringBuilder out = new StringBuilder(text.length());
        int start = 0;
        while (start <= text.length()) {
            int nl = text.indexOf('\n', start);
            int end = nl < 0 ? text.length() : nl;
            out.append(stream.line(text.substring(start, end)));
            if (nl < 0) {
                break;
            }
            out.append('\n');
            start = nl + 1;
        }
        return out.toString();
    }

    /** A redactor for one stream of lines (a step's output): remembers an open private key block. */
    public final Stream stream() {
        return new Stream();
    }

    /**
     * The state of one output stream: inside a private key block or not. A block ends at its END
     * line, or at the first line that is not key material (base64, a {@code Proc-Type:}/{@code DEK-Info:}
     * header or blank), so a process cannot hide later output behind a fake BEGIN line. Not thread-safe.
     */
    public final class Stream {
        private boolean inKey;

        private Stream() {
        }

        /** {@code line} (without its line break) redacted. */
        public String line(String line) {
            if (line == null) {
                return "";
            }
            String rest = line;
            String masked = "";
            if (inKey) {
                int end = privateKeyMarker(line, END, 0);
                if (end >= 0) {
                    inKey = false;
                    masked = end == 0 ? "" : MASK;
                    rest = line.substring(end);
                } else if (keyMaterial(line)) {
                    return line.isBlank() ? line : MASK;
                } else {
                    inKey = false;
                }
            }
            return masked + tokens(blocks(rest));
        }

        /** Masks the bodies of private key blocks in one line; an unclosed block masks the rest and opens. */
        private String blocks(String s) {
            if (!s.contains(BEGIN)) {
                return s;
            }
            Edits e = new Edits(s);
            int from = 0;
            while (true) {
                int begin = privateKeyMarker(s, BEGIN, from);
                if (begin < 0) {
                    break;
                }
                int bodyStart = s.indexOf(DASHES, begin + BEGIN.length()) + DASHES.length();
                int end = privateKeyMarker(s, END, bodyStart);
                if (end < 0) {
                    if (bodyStart < s.length()) {
                        e.mask(bodyStart, s.length());
                    }
                    inKey = true;
                    break;
                }
                e.mask(bodyStart, end);
                from = s.indexOf(DASHES, end + END.length()) + DASHES.length();
            }
            return e.apply();
        }
    }

    /**
     * Where the next {@code -----BEGIN …PRIVATE KEY…-----} (or END) marker starts at or after {@code from},
     * or -1. The label between the marker and its dashes is short, so each candidate costs O(1).
     */
    private static int privateKeyMarker(String s, String marker, int from) {
        int i = from;
        while (true) {
            int at = s.indexOf(marker, i);
            if (at < 0) {
                return -1;
            }
            int labelStart = at + marker.length();
            int close = s.indexOf(DASHES, labelStart);
            if (close >= 0 && close - labelStart <= 40 && s.substring(labelStart, close).contains("PRIVATE KEY")) {
                return at;
            }
            i = labelStart;
        }
    }

    private static boolean keyMaterial(String line) {
        String t = line.strip();
        if (t.isEmpty() || t.startsWith("Proc-Type:") || t.startsWith("DEK-Info:") || t.startsWith("Comment:")) {
            return true;
        }
        for (int i = 0; i < t.length(); i++) {
            char c = t.charAt(i);
            if (!(isAlnum(c) || c == '+' || c == '/' || c == '=' || c == '\\')) {
                return false;
            }
        }
        return true;
    }

    /** The single-line rules, each one linear pass. */
    private static String tokens(String s) {
        if (s.isEmpty()) {
            return s;
        }
        s = slackHooks(s);
        s = urlPasswords(s);
        s = bearer(s);
        s = pairs(s);
        s = options(s);
        s = wordRuns(s);
        s = dashRuns(s);
        s = base64Runs(s);
        return s;
    }

    private static String slackHooks(String s) {
        int at = s.indexOf(SLACK_HOOK);
        if (at < 0) {
            return s;
        }
        Edits e = new Edits(s);
        while (at >= 0) {
            int start = at + SLACK_HOOK.length();
            int end = start;
            while (end < s.length() && (isAlnum(s.charAt(end)) || "/_-".indexOf(s.charAt(end)) >= 0)) {
                end++;
            }
            if (end > start) {
                e.mask(start, end);
            }
            at = s.indexOf(SLACK_HOOK, end);
        }
        return e.apply();
    }

    /** {@code scheme://user:password@host}: the password. */
    private static String urlPasswords(String s) {
        int at = s.indexOf("://");
        if (at < 0) {
            return s;
        }
        Edits e = new Edits(s);
        while (at >= 0) {
            int i = at + 3;
            int userStart = i;
            while (i < s.length() && "/:@".indexOf(s.charAt(i)) < 0 && !Character.isWhitespace(s.charAt(i))) {
                i++;
            }
            int next = at + 3;
            if (i > userStart && i < s.length() && s.charAt(i) == ':') {
                int passStart = ++i;
                while (i < s.length() && "/@".indexOf(s.charAt(i)) < 0 && !Character.isWhitespace(s.charAt(i))) {
                    i++;
                }
                if (i > passStart && i < s.length() && s.charAt(i) == '@') {
                    e.mask(passStart, i);
                    next = i;
                }
            }
            at = s.indexOf("://", next);
        }
        return e.apply();
    }

    /** {@code Bearer xyz}, {@code Basic xyz} (any case): the credential. */
    private static String bearer(String s) {
        Edits e = null;
        int n = s.length();
        for (int i = 0; i < n; i++) {
            char c = s.charAt(i);
            if ((c != 'b' && c != 'B') || i > 0 && isWord(s.charAt(i - 1))) {
                continue;
            }
            int len = s.regionMatches(true, i, "bearer", 0, 6) ? 6 : s.regionMatches(true, i, "basic", 0, 5) ? 5 : 0;
            int j = i + len;
            if (len == 0 || j >= n || !Character.isWhitespace(s.charAt(j))) {
                continue;
            }
            while (j < n && Character.isWhitespace(s.charAt(j))) {
                j++;
            }
            int start = j;
            while (j < n && (isAlnum(s.charAt(j)) || "-._~+/".indexOf(s.charAt(j)) >= 0)) {
                j++;
            }
            while (j < n && s.charAt(j) == '=') {
                j++;
            }
            if (j > start) {
                e = e == null ? new Edits(s) : e;
                e.mask(start, j);
                i = j - 1;
            }
        }
        return e == null ? s : e.apply();
    }

    /**
     * {@code key=value}, {@code key: value}, {@code "key": "value"} where the key names a secret: the
     * value (quotes included). Each separator looks left over its own key only, so the scan is linear.
     */
    private static String pairs(String s) {
        Edits e = null;
        int n = s.length();
        int from = 0;
        for (int p = 0; p < n; p++) {
            char c = s.charAt(p);
            if (c != '=' && c != ':') {
                continue;
            }
            int j = p - 1;
            while (j >= from && Character.isWhitespace(s.charAt(j))) {
                j--;
            }
            if (j >= from && (s.charAt(j) == '"' || s.charAt(j) == '\'')) {
                j--;
            }
            int keyEnd = j + 1;
            while (j >= from && isKeyChar(s.charAt(j))) {
                j--;
            }
            int keyStart = j + 1;
            if (keyStart == keyEnd || !secretKey(s, keyStart, keyEnd)) {
                continue;
            }
            int v = p + 1;
            while (v < n && Character.isWhitespace(s.charAt(v))) {
                v++;
            }
            if (v >= n) {
                continue;
            }
            int end;
            char q = s.charAt(v);
            if (q == '"' || q == '\'') {
                int close = s.indexOf(q, v + 1);
                end = close < 0 ? n : close + 1;
            } else {
                end = v;
                while (end < n && !Character.isWhitespace(s.charAt(end)) && ",;&\"'}".indexOf(s.charAt(end)) < 0) {
                    end++;
                }
            }
            if (end > v) {
                e = e == null ? new Edits(s) : e;
                e.mask(v, end);
                from = end;
                p = end - 1;
            }
        }
        return e == null ? s : e.apply();
    }

    private static boolean secretKey(String s, int start, int end) {
        String key = s.substring(start, end);
        if (key.equals("PWD") || key.equals("OLDPWD")) {
            return false; // the shell's working folders, evidence rather than secrets
        }
        return containsSecretWord(key.toLowerCase(Locale.ROOT));
    }

    private static boolean containsSecretWord(String lower) {
        for (String w : SECRET_WORDS) {
            if (lower.contains(w)) {
                return true;
            }
        }
        return false;
    }

    /**
     * Whitespace-separated words: the word after an option that names a secret ({@code --password X},
     * {@code --hf-token X}), and the password part of {@code -u user:pass} / {@code --user user:pass}.
     */
    private static String options(String s) {
        Edits e = null;
        int n = s.length();
        int i = 0;
        int kind = 0; // of the previous word: 0 nothing, 1 a secret option, 2 a user:password option
        while (i < n) {
            while (i < n && Character.isWhitespace(s.charAt(i))) {
                i++;
            }
            int start = i;
            while (i < n && !Character.isWhitespace(s.charAt(i))) {
                i++;
            }
            if (start == i) {
                break;
            }
            char first = s.charAt(start);
            if (kind == 1 && first != '-') {
                e = e == null ? new Edits(s) : e;
                e.mask(start, i);
                kind = 0;
                continue;
            }
            if (kind == 2) {
                int colon = s.indexOf(':', start);
                if (colon > start && colon < i - 1) {
                    e = e == null ? new Edits(s) : e;
                    e.mask(colon + 1, i);
                    kind = 0;
                    continue;
                }
            }
            kind = optionKind(s, start, i);
            if (kind == 3) { // --user=alice:pass
                int colon = s.indexOf(':', start + 7);
                if (colon > start + 7 && colon < i - 1) {
                    e = e == null ? new Edits(s) : e;
                    e.mask(colon + 1, i);
                }
                kind = 0;
            }
        }
        return e == null ? s : e.apply();
    }

    private static int optionKind(String s, int start, int end) {
        int len = end - start;
        if (len == 2 && s.startsWith("-u", start) || len == 6 && s.startsWith("--user", start)) {
            return 2;
        }
        if (len > 7 && s.startsWith("--user=", start)) {
            return 3;
        }
        if (len < 3 || len > 64 || !s.startsWith("--", start) || s.indexOf('=', start) >= 0 && s.indexOf('=', start) < end) {
            return 0;
        }
        String name = s.substring(start + 2, end).toLowerCase(Locale.ROOT);
        for (String suffix : NOT_SECRET_SUFFIXES) {
            if (name.endsWith(suffix)) {
                return 0;
            }
        }
        return containsSecretWord(name) ? 1 : 0;
    }

    /**
     * Maximal runs of word characters {@code [A-Za-z0-9_]} (what a regex {@code \b…\b} delimits): AWS
     * access key ids, GitHub tokens, Hugging Face tokens.
     */
    private static String wordRuns(String s) {
        Edits e = null;
        int n = s.length();
        int i = 0;
        while (i < n) {
            if (!isWord(s.charAt(i))) {
                i++;
                continue;
            }
            int start = i;
            while (i < n && isWord(s.charAt(i))) {
                i++;
            }
            if (secretWord(s, start, i)) {
                e = e == null ? new Edits(s) : e;
                e.mask(start, i);
            }
        }
        return e == null ? s : e.apply();
    }

    private static boolean secretWord(String s, int start, int end) {
        int len = end - start;
        if (len == 20) {
            for (String p : AWS_KEY_PREFIXES) {
                if (s.startsWith(p, start) && all(s, start + 4, end, Redactor::isUpperOrDigit)) {
                    return true;
                }
            }
        }
        if (len >= 34 && len <= 259) {
            for (String p : GITHUB_PREFIXES) {
                if (s.startsWith(p, start) && all(s, start + 4, end, Redactor::isAlnum)) {
                    return true;
                }
            }
        }
        if (len >= 33 && len <= 266 && s.startsWith("github_pat_", start)) {
            return true;
        }
        return len >= 33 && len <= 259 && s.startsWith("hf_", start) && all(s, start + 3, end, Redactor::isAlnum);
    }

    /**
     * Maximal runs of {@code [A-Za-z0-9_-]}: Slack ({@code xoxb-…}), OpenAI-style ({@code sk-…}) and
     * Google ({@code AIza…}) tokens, which start at the run or after a dash inside it. Where the upper,
     * lower and digit characters last occur is found once per run, so each start costs O(1).
     */
    private static String dashRuns(String s) {
        Edits e = null;
        int n = s.length();
        int i = 0;
        while (i < n) {
            if (!isDashWord(s.charAt(i))) {
                i++;
                continue;
            }
            int start = i;
            int lastUpper = -1;
            int lastLower = -1;
            int lastDigit = -1;
            while (i < n && isDashWord(s.charAt(i))) {
                char c = s.charAt(i);
                if (c >= 'A' && c <= 'Z') {
                    lastUpper = i;
                } else if (c >= 'a' && c <= 'z') {
                    lastLower = i;
                } else if (c >= '0' && c <= '9') {
                    lastDigit = i;
                }
                i++;
            }
            int end = i;
            for (int at = start; at < end; at++) {
                if (at > start && s.charAt(at - 1) != '-') {
                    continue;
                }
                int body = -1;
                int min = 0;
                boolean mixed = false;
                if (s.startsWith("xox", at) && at + 4 < end && "abposre".indexOf(s.charAt(at + 3)) >= 0
                        && s.charAt(at + 4) == '-') {
                    body = at + 5;
                    min = 10;
                } else if (s.startsWith("sk-", at)) {
                    body = at + 3;
                    min = 20;
                    mixed = true;
                } else if (s.startsWith("AIza", at)) {
                    body = at + 4;
                    min = 35;
                }
                if (body >= 0 && end - body >= min
                        && (!mixed || lastUpper >= body && lastLower >= body && lastDigit >= body)) {
                    e = e == null ? new Edits(s) : e;
                    e.mask(at, end);
                    break;
                }
            }
        }
        return e == null ? s : e.apply();
    }

    /**
     * A bare 40-character AWS secret access key: a maximal run of {@code [A-Za-z0-9/+]}, not next to
     * {@code =}, with upper, lower and digit characters (hex digests are lower-case only and are kept).
     */
    private static String base64Runs(String s) {
        Edits e = null;
        int n = s.length();
        int i = 0;
        while (i < n) {
            if (!isBase64(s.charAt(i))) {
                i++;
                continue;
            }
            int start = i;
            boolean upper = false;
            boolean lower = false;
            boolean digit = false;
            while (i < n && isBase64(s.charAt(i))) {
                char c = s.charAt(i);
                upper |= c >= 'A' && c <= 'Z';
                lower |= c >= 'a' && c <= 'z';
                digit |= c >= '0' && c <= '9';
                i++;
            }
            if (i - start == 40 && upper && lower && digit && (start == 0 || s.charAt(start - 1) != '=')
                    && (i == n || s.charAt(i) != '=')) {
                e = e == null ? new Edits(s) : e;
                e.mask(start, i);
            }
        }
        return e == null ? s : e.apply();
    }

    private interface CharTest {
        boolean test(char c);
    }

    private static boolean all(String s, int from, int to, CharTest t) {
        for (int i = from; i < to; i++) {
            if (!t.test(s.charAt(i))) {
                return false;
            }
        }
        return true;
    }

    private static boolean isAlnum(char c) {
        return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9';
    }

    private static boolean isUpperOrDigit(char c) {
        return c >= 'A' && c <= 'Z' || c >= '0' && c <= '9';
    }

    private static boolean isWord(char c) {
        return isAlnum(c) || c == '_';
    }

    private static boolean isDashWord(char c) {
        return isWord(c) || c == '-';
    }

    private static boolean isKeyChar(char c) {
        return isWord(c) || c == '.' || c == '-';
    }

    private static boolean isBase64(char c) {
        return isAlnum(c) || c == '/' || c == '+';
    }

    /** Ranges to mask in one string, added left to right without overlap, applied in one copy. */
    private static final class Edits {
        private final String s;
        private final List<int[]> ranges = new ArrayList<>();

        Edits(String s) {
            this.s = s;
        }

        void mask(int start, int end) {
            if (!ranges.isEmpty() && start < ranges.getLast()[1]) {
                start = ranges.getLast()[1];
            }
            if (start < end) {
                ranges.add(new int[] {start, end});
            }
        }

        String apply() {
            if (ranges.isEmpty()) {
                return s;
            }
            StringBuilder out = new StringBuilder(s.length());
            int at = 0;
            for (int[] r : ranges) {
                out.append(s, at, r[0]).append(MASK);
                at = r[1];
            }
            return out.append(s, at, s.length()).toString();
        }
    }
}
