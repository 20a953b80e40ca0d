/*
 * The limit for the Java poll: a C loop making the same NVML calls per GPU as NvmlGpuReader.read
 * (utilization, memory v2, temperature V, power, power limit, SM and memory clocks, fan, clock-event
 * reasons, four ECC counters, compute and graphics processes), on the same library, handles kept.
 *
 * usage: nvml_loop LIBRARY [polls]   prints nanoseconds per full poll of all GPUs
 */
#include <dlfcn.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

typedef int (*fn0)(void);
typedef int (*fn_p)(void *);
typedef int (*fn_ip)(unsigned, void *);
typedef int (*fn_pp)(void *, void *);
typedef int (*fn_pip)(void *, int, void *);
typedef int (*fn_piip)(void *, int, int, void *);
typedef int (*fn_ppp)(void *, void *, void *);

static void *sym(void *lib, const char *name) {
    void *s = dlsym(lib, name);
    if (!s) { fprintf(stderr, "missing %s\n", name); exit(2); }
    return s;
}

int main(int argc, char **argv) {
    if (argc < 2) { fprintf(stderr, "usage: %s LIBRARY [polls]\n", argv[0]); return 2; }
    long polls = argc > 2 ? atol(argv[2]) : 2000000;
    void *lib = dlopen(argv[1], RTLD_NOW);
    if (!lib) { fprintf(stderr, "%s\n", dlerror()); return 1; }
    fn0 init = (fn0) sym(lib, "nvmlInit_v2");
    fn_p count = (fn_p) sym(lib, "nvmlDeviceGetCount_v2");
    fn_ip handle = (fn_ip) sym(lib, "nvmlDeviceGetHandleByIndex_v2");
    fn_pp util = (fn_pp) sym(lib, "nvmlDeviceGetUtilizationRates");
    fn_pp mem = (fn_pp) sym(lib, "nvmlDeviceGetMemoryInfo_v2");
    fn_pp temp = (fn_pp) sym(lib, "nvmlDeviceGetTemperatureV");
    fn_pp power = (fn_pp) sym(lib, "nvmlDeviceGetPowerUsage");
    fn_pp limit = (fn_pp) sym(lib, "nvmlDeviceGetPowerManagementLimit");
    fn_pip clock = (fn_pip) sym(lib, "nvmlDeviceGetClockInfo");
    fn_pp fan = (fn_pp) sym(lib, "nvmlDeviceGetFanSpeed");
    fn_pp reasons = (fn_pp) sym(lib, "nvmlDeviceGetCurrentClocksEventReasons");
    fn_piip ecc = (fn_piip) sym(lib, "nvmlDeviceGetTotalEccErrors");
    fn_ppp compute = (fn_ppp) sym(lib, "nvmlDeviceGetComputeRunningProcesses_v3");
    fn_ppp graphics = (fn_ppp) sym(lib, "nvmlDeviceGetGraphicsRunningProcesses_v3");
    if (init() != 0) { fprintf(stderr, "init failed\n"); return 1; }
    unsigned n = 0;
    count(&n);
    void *dev[16];
    for (unsigned i = 0; i < n && i < 16; i++) handle(i, &dev[i]);

    unsigned u32[2];
    unsigned long long u64;
    struct { unsigned version; unsigned long long a, b, c, d; } m;
    struct { unsigned version; int sensor; int t; } t;
    unsigned char procs[24 * 32];
    unsigned pc;
    volatile unsigned long long sink = 0;
    struct timespec a, b;
    for (int round = 0; round < 2; round++) { /* round 0 warms up */
        clock_gettime(CLOCK_MONOTONIC, &a);
        for (long p = 0; p < polls; p++) {
            for (unsigned i = 0; i < n; i++) {
                void *d = dev[i];
                int rc = util(d, u32);
                m.version = 40 | (2 << 24); rc |= mem(d, &m);
                t.version = 12 | (1 << 24); t.sensor = 0; rc |= temp(d, &t);
                rc |= power(d, u32); rc |= limit(d, u32);
                rc |= clock(d, 1, u32); rc |= clock(d, 2, u32);
                rc |= fan(d, u32); rc |= reasons(d, &u64);
                rc |= ecc(d, 0, 0, &u64); rc |= ecc(d, 0, 1, &u64); rc |= ecc(d, 1, 0, &u64); rc |= ecc(d, 1, 1, &u64);
                pc = 32; rc |= compute(d, &pc, procs);
                pc = 32; rc |= graphics(d, &pc, procs);
                sink += (unsigned long long) rc + m.d + (unsigned) t.t + u64 + pc;
            }
        }
        clock_gettime(CLOCK_MONOTONIC, &b);
    }
    double ns = ((b.tv_sec - a.tv_sec) * 1e9 + (b.tv_nsec - a.tv_nsec)) / polls;
    printf("gpus=%u calls_per_poll=%u ns_per_poll=%.1f ns_per_gpu=%.1f (sink %llu)\n", n, n * 16, ns, ns / n, sink % 10);
    return 0;
}
