package io.vigil.rules;

/** A process seen running on a GPU (by index), as the GPU source reports it. */
public record GpuProcessObservation(int gpu, int pid) {
}
