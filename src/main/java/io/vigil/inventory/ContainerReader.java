package io.vigil.inventory;

/**
 * The running containers, or why they cannot be read. {@link DockerReader} asks the docker CLI; a
 * scenario replay answers from its recording (ADR 0850). Thread-safe.
 */
public interface ContainerReader {

    DockerReport read();
}
