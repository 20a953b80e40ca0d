package io.vigil.playbook;

import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * Where credentials live, which no playbook may read even inside an allowed root: the folders of
 * SSH, AWS, GnuPG, Kubernetes, Docker, pass, gcloud, Azure and Vigil's own configuration under the
 * home folder, and files that look like private keys or credential stores anywhere. An allowed root
 * of {@code ~} therefore never exposes {@code ~/.ssh}. Stateless and thread-safe.
 */
public final class SensitivePaths {

    /** Folders under the home folder that hold credentials. */
    static final List<String> HOME_FOLDERS = List.of(".ssh", ".aws", ".gnupg", ".config/vigil", ".kube", ".docker",
            ".password-store", ".config/gcloud", ".azure");

    private static final Pattern KEY_FILE = Pattern.compile(
            "id_(rsa|dsa|ecdsa|ed25519)(_sk)?|.*\\.(pem|key|p12|pfx|jks|keystore|kdbx|gpg|asc)"
            + "|\\.netrc|\\.pgpass|\\.git-credentials|\\.npmrc|\\.pypirc|credentials(\\.json)?");

    private SensitivePaths() {
    }

    /** The credential folders under {@code home} (which need not exist). */
    public static List<Path> forHome(Path home) {
        return HOME_FOLDERS.stream().map(home::resolve).toList();
    }

    /** Whether a file named {@code fileName} looks like a private key or a credential store. */
    static boolean isKeyFile(String fileName) {
        return KEY_FILE.matcher(fileName.toLowerCase(Locale.ROOT)).matches();
    }

    /**
     * The home folder: {@code HOME} when it is set to an absolute path (as every shell tool reads it),
     * else the JVM's {@code user.home} (the account's home from the password database).
     */
    public static Path home(String homeVariable, String userHome) {
        if (homeVariable != null && !homeVariable.isBlank() && Path.of(homeVariable).isAbsolute()) {
            return Path.of(homeVariable);
        }
        return Path.of(userHome == null || userHome.isBlank() ? "/" : userHome);
    }
}
