package io.vigil.cost;

/**
 * What one GPU of an instance type costs per hour: the on-demand price of the instance divided by its
 * GPUs, or a per-GPU figure given directly (own hardware). Immutable.
 *
 * @param instanceType  the EC2 instance type ({@code p5.48xlarge}) or any name the analyst chose
 * @param usdPerGpuHour USD per GPU per hour, at least 0
 * @param gpus          GPUs in the instance; 0 when the entry gives a per-GPU price only
 * @param gpu           the GPU model as a note ("H100 80GB"); may be empty
 * @param origin        where the entry came from: "built-in" or the override file's path
 */
public record GpuPrice(String instanceType, double usdPerGpuHour, int gpus, String gpu, String origin) {
}
