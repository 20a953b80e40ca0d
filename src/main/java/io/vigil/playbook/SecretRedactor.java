package io.vigil.playbook;

import io.vigil.text.Redactor;

/**
 * The playbook package's name for the one secret redactor, {@link Redactor} in {@code io.vigil.text}
 * (kept so that code constructing a {@link Runner} with {@code new SecretRedactor()} keeps compiling).
 * It adds nothing. Thread-safe: stateless.
 */
public final class SecretRedactor extends Redactor {
}
