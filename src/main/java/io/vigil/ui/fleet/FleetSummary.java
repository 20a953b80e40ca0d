package io.vigil.ui.fleet;

/**
 * The tiles above the heat grid. {@code gpusIdleAllocated}: GPUs with a process or a pod on them
 * and utilization under 5 % (paid for, doing nothing). Power counts only nodes that answered.
 */
record FleetSummary(int nodesUp, int nodesDown, int nodesUnknown, int gpus, int gpusBusy, int gpusIdleAllocated,
                    double totalPowerWatts) {

    static final FleetSummary EMPTY = new FleetSummary(0, 0, 0, 0, 0, 0, 0);
}
