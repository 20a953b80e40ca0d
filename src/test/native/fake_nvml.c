/*
 * A fake libnvidia-ml for Vigil's tests and benchmarks.
 *
 * It exports the real NVML entry points with the real C signatures, return codes and struct
 * layouts (x86_64; see docs/decisions/0100 and docs/toolchain.md), and serves a few GPUs
 * with deterministic values. The prototypes below are written from NVML's documented API; NVIDIA's
 * header is not copied here.
 *
 * Faults are switched from the test through environment variables, read at nvmlInit_v2:
 *   FAKE_NVML_GPU_COUNT=N        number of GPUs (default 3, at most 16)
 *   FAKE_NVML_INIT_FAIL=CODE     nvmlInit returns CODE (e.g. 9 DRIVER_NOT_LOADED)
 *   FAKE_NVML_UNSUPPORTED=1,2    on these GPUs fan, power, temperature and ECC are NOT_SUPPORTED
 *   FAKE_NVML_LOST_GPU=I         GPU I answers GPU_IS_LOST ...
 *   FAKE_NVML_LOST_AFTER=N       ... after N good polls ...
 *   FAKE_NVML_LOST_FOR=M         ... for M polls (0 = forever); after that it answers again only
 *                                once the caller re-initialises (nvmlShutdown down to zero, then
 *                                nvmlInit_v2), as a GPU that fell off the bus needs a reset.
 *                                Init/shutdown are reference counted as in real NVML: a shutdown
 *                                while another caller still holds a reference does not count
 *   FAKE_NVML_PROCS=g:pid:MiB[:from-to],...        compute processes; pid "self" = the caller's
 *                                pid; from-to = the polls (1-based, inclusive) during which the
 *                                process exists. Default "0:self:3072".
 *   FAKE_NVML_GRAPHICS_PROCS=... graphics processes, same form (default none)
 *   FAKE_NVML_EPOCH=token        poll counters restart when this token changes between inits,
 *                                so one test's counts do not leak into the next
 *   FAKE_NVML_PROC_UTIL=g:pid:sm:mem,...  per-process utilization samples (SM %, memory %) that
 *                                nvmlDeviceGetProcessUtilization returns for GPU g; pid "self"
 *                                as above. Default none (the call answers NOT_FOUND: no samples).
 *   FAKE_NVML_ORDER=2,0,1        the enumeration order: index i is the card listed i-th (a card
 *                                keeps its UUID, name, values and faults wherever it is listed).
 *                                Read only when the library really initialises (the first
 *                                reference), as a driver enumerates its GPUs then; default 0,1,2,...
 *   FAKE_NVML_NO_PROC_UTIL_INFO=1  nvmlDeviceGetProcessesUtilizationInfo answers NOT_SUPPORTED
 *                                (the older-driver build lacks the symbol altogether)
 *   FAKE_NVML_MIG_GPU=I          GPU I has MIG enabled with two instances (MIG devices); its
 *                                per-process utilization answers NOT_SUPPORTED, as on a real card
 *
 * Events (nvmlEventSetCreate / nvmlDeviceRegisterEvents / nvmlEventSetWait_v2) are injected by
 * the test through fake-only exported functions, called through FFM:
 *   fakeNvmlInjectEvent(gpu, eventType, eventData)   queue one event (0x8 XID, 0x1/0x2 ECC)
 *   fakeNvmlInjectXid(gpu, xid)                      the same for an XID
 *   fakeNvmlDriverReset()                            the driver goes away: every init reference
 *                                                    is dropped, waiters wake with UNINITIALIZED,
 *                                                    queued events are lost
 * A "poll" of a GPU is counted at each nvmlDeviceGetUtilizationRates call on it.
 *
 * Built twice by the pom: the normal library, and with -DFAKE_OLD_DRIVER a library that lacks the
 * newer entry points (_v2 count/handle/memory, _v3 processes, clock-event reasons,
 * TemperatureV), as an older driver does, so the binding's fall-backs are exercised.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <pthread.h>
#include <time.h>
#include <sys/time.h>

#define EXPORT __attribute__((visibility("default")))

typedef int nvmlReturn_t;
enum {
    NVML_SUCCESS = 0,
    NVML_ERROR_UNINITIALIZED = 1,
    NVML_ERROR_INVALID_ARGUMENT = 2,
    NVML_ERROR_NOT_SUPPORTED = 3,
    NVML_ERROR_NO_PERMISSION = 4,
    NVML_ERROR_NOT_FOUND = 6,
    NVML_ERROR_INSUFFICIENT_SIZE = 7,
    NVML_ERROR_DRIVER_NOT_LOADED = 9,
    NVML_ERROR_TIMEOUT = 10,
    NVML_ERROR_GPU_IS_LOST = 15,
    NVML_ERROR_ARGUMENT_VERSION_MISMATCH = 25,
    NVML_ERROR_UNKNOWN = 999
};

typedef struct { unsigned int gpu; unsigned int memory; } nvmlUtilization_t;                 /* 8 B */
typedef struct { unsigned long long total, free, used; } nvmlMemory_t;                         /* 24 B */
typedef struct {
    unsigned int version;
    unsigned long long total, reserved, free, used;
} nvmlMemory_v2_t;                                                                             /* 40 B */
typedef struct { unsigned int version; int sensorType; int temperature; } nvmlTemperature_t;   /* 12 B */
typedef struct {
    unsigned int pid;
    unsigned long long usedGpuMemory;
    unsigned int gpuInstanceId;
    unsigned int computeInstanceId;
} nvmlProcessInfo_t;                                                                           /* 24 B */

_Static_assert(sizeof(nvmlMemory_v2_t) == 40, "nvmlMemory_v2_t layout");
_Static_assert(sizeof(nvmlProcessInfo_t) == 24, "nvmlProcessInfo_t layout");
_Static_assert(sizeof(nvmlTemperature_t) == 12, "nvmlTemperature_t layout");

#define NVML_MEMORY_V2_VERSION (unsigned int)(sizeof(nvmlMemory_v2_t) | (2 << 24))
#define NVML_TEMPERATURE_VERSION (unsigned int)(sizeof(nvmlTemperature_t) | (1 << 24))

#define MAX_GPUS 16
#define MAX_PROCS 64

struct fake_proc { unsigned int pid; unsigned long long bytes; long from, to; };

struct fake_util { unsigned int pid, sm, mem; };

struct fake_gpu {
    int index;
    int mig_parent;   /* -1 for a GPU; the parent GPU's index for a MIG device */
    int mig_slot;
    struct fake_util util[MAX_PROCS];
    int nutil;
    int unsupported;
    long polls;
    int lost_latched; /* became lost; stays so until a shutdown + init after the lost window */
    int shut_down;    /* nvmlShutdown was called since it became lost */
    int recovered;    /* brought back by a re-initialisation: the lost window is over for good */
    struct fake_proc compute[MAX_PROCS];
    int ncompute;
    struct fake_proc graphics[MAX_PROCS];
    int ngraphics;
};

typedef struct fake_gpu *nvmlDevice_t;

static struct fake_gpu gpus[MAX_GPUS];
/* Guards the parsed process lists: an event thread's nvmlInit re-parses them while a poller reads. */
static pthread_mutex_t state_lock = PTHREAD_MUTEX_INITIALIZER;
static int gpu_count = 3;
/* order[i]: the card (its slot in gpus[]) that NVML lists at index i. */
static int order[MAX_GPUS] = {0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15};
static int init_count = 0;
static int lost_gpu = -1;
static int mig_gpu = -1;
#define MIG_SLOTS 2
static struct fake_gpu mig_devs[MIG_SLOTS];
static long lost_after = 0, lost_for = 0;
static char epoch[128] = "";

static const char *NAMES[] = {"NVIDIA H100 80GB HBM3", "NVIDIA A100-SXM4-40GB", "NVIDIA L4", "Tesla T4"};
static const unsigned long long TOTAL_GIB[] = {80, 40, 24, 16};
static const unsigned int POWER_LIMIT_MW[] = {700000, 400000, 72000, 70000};

static long env_long(const char *name, long fallback) {
    const char *v = getenv(name);
    return v && *v ? strtol(v, NULL, 10) : fallback;
}

static void parse_procs(const char *spec, int graphics) {
    for (int i = 0; i < MAX_GPUS; i++) {
        if (graphics) gpus[i].ngraphics = 0; else gpus[i].ncompute = 0;
    }
    if (!spec) return;
    char buf[4096];
    snprintf(buf, sizeof buf, "%s", spec);
    char *save = NULL;
    for (char *item = strtok_r(buf, ",", &save); item; item = strtok_r(NULL, ",", &save)) {
        char pidtext[32] = "";
        int g = -1;
        unsigned long long mib = 0;
        long from = 1, to = -1;
        int n = sscanf(item, " %d:%31[^:]:%llu:%ld-%ld", &g, pidtext, &mib, &from, &to);
        if (n < 3 || g < 0 || g >= MAX_GPUS) continue;
        if (n < 5) { from = 1; to = -1; }
        unsigned int pid = strcmp(pidtext, "self") == 0 ? (unsigned int) getpid() : (unsigned int) strtoul(pidtext, NULL, 10);
        struct fake_gpu *gpu = &gpus[g];
        struct fake_proc *p = graphics ? &gpu->graphics[gpu->ngraphics] : &gpu->compute[gpu->ncompute];
        if ((graphics ? gpu->ngraphics : gpu->ncompute) >= MAX_PROCS) continue;
        p->pid = pid;
        p->bytes = mib << 20;
        p->from = from;
        p->to = to;
        if (graphics) gpu->ngraphics++; else gpu->ncompute++;
    }
}

static void parse_util(const char *spec) {
    for (int i = 0; i < MAX_GPUS; i++) gpus[i].nutil = 0;
    if (!spec) return;
    char buf[4096];
    snprintf(buf, sizeof buf, "%s", spec);
    char *save = NULL;
    for (char *item = strtok_r(buf, ",", &save); item; item = strtok_r(NULL, ",", &save)) {
        char pidtext[32] = "";
        int g = -1;
        unsigned int sm = 0, mem = 0;
        if (sscanf(item, " %d:%31[^:]:%u:%u", &g, pidtext, &sm, &mem) != 4 || g < 0 || g >= MAX_GPUS) continue;
        if (gpus[g].nutil >= MAX_PROCS) continue;
        struct fake_util *u = &gpus[g].util[gpus[g].nutil++];
        u->pid = strcmp(pidtext, "self") == 0 ? (unsigned int) getpid() : (unsigned int) strtoul(pidtext, NULL, 10);
        u->sm = sm;
        u->mem = mem;
    }
}

static int in_list(const char *list, int index) {
    if (!list) return 0;
    char buf[256];
    snprintf(buf, sizeof buf, "%s", list);
    char *save = NULL;
    for (char *t = strtok_r(buf, ",", &save); t; t = strtok_r(NULL, ",", &save)) {
        if (atoi(t) == index) return 1;
    }
    return 0;
}

static nvmlReturn_t do_init_unlocked(void) {
    long fail = env_long("FAKE_NVML_INIT_FAIL", 0);
    if (fail != 0) return (nvmlReturn_t) fail;
    const char *token = getenv("FAKE_NVML_EPOCH");
    int reset = strcmp(token ? token : "", epoch) != 0;
    snprintf(epoch, sizeof epoch, "%s", token ? token : "");
    gpu_count = (int) env_long("FAKE_NVML_GPU_COUNT", 3);
    if (gpu_count < 0) gpu_count = 0;
    if (gpu_count > MAX_GPUS) gpu_count = MAX_GPUS;
    lost_gpu = (int) env_long("FAKE_NVML_LOST_GPU", -1);
    lost_after = env_long("FAKE_NVML_LOST_AFTER", 0);
    lost_for = env_long("FAKE_NVML_LOST_FOR", 0);
    mig_gpu = (int) env_long("FAKE_NVML_MIG_GPU", -1);
    for (int k = 0; k < MIG_SLOTS; k++) {
        mig_devs[k].index = 100 + k;
        mig_devs[k].mig_parent = mig_gpu;
        mig_devs[k].mig_slot = k;
    }
    const char *unsupported = getenv("FAKE_NVML_UNSUPPORTED");
    for (int i = 0; i < MAX_GPUS; i++) {
        gpus[i].index = i;
        gpus[i].mig_parent = -1;
        gpus[i].unsupported = in_list(unsupported, i);
        if (reset) {
            gpus[i].polls = 0;
            gpus[i].lost_latched = 0;
            gpus[i].shut_down = 0;
            gpus[i].recovered = 0;
        }
    }
    /* Polls are counted on the GPUs that answer (a lost one has no handle between re-inits). */
    long polls_seen = 0;
    for (int i = 0; i < gpu_count; i++) {
        if (gpus[i].polls > polls_seen) polls_seen = gpus[i].polls;
    }
    /* Like real NVML, init and shutdown are reference counted: only the init that takes the count
     * from 0 to 1 really initialises the library, and only a real initialisation after a shutdown of
     * the last reference, once the lost window is over, brings a lost GPU back. An extra reference
     * (another thread's init) changes nothing, so a poller that re-initialises while some other
     * holder keeps a reference gets its GPU back never. */
    if (init_count == 0) {
        for (int i = 0; i < MAX_GPUS; i++) order[i] = i;
        const char *ord = getenv("FAKE_NVML_ORDER");
        if (ord && *ord) {
            int used[MAX_GPUS] = {0}, n = 0, ok = 1, tmp[MAX_GPUS];
            char buf[256];
            snprintf(buf, sizeof buf, "%s", ord);
            char *save = NULL;
            for (char *t = strtok_r(buf, ",", &save); t && n < MAX_GPUS; t = strtok_r(NULL, ",", &save)) {
                int c = atoi(t);
                if (c < 0 || c >= MAX_GPUS || used[c]) { ok = 0; break; }
                used[c] = 1;
                tmp[n++] = c;
            }
            if (ok) for (int i = 0; i < n; i++) order[i] = tmp[i];
        }
        for (int i = 0; i < MAX_GPUS; i++) {
            if (gpus[i].lost_latched && gpus[i].shut_down && lost_for != 0 && polls_seen >= lost_after + lost_for) {
                gpus[i].lost_latched = 0;
                gpus[i].recovered = 1;
                gpus[i].polls = polls_seen;
            }
            gpus[i].shut_down = 0; /* still lost: it needs another full shutdown + init */
        }
    }
    const char *procs = getenv("FAKE_NVML_PROCS");
    parse_procs(procs ? procs : "0:self:3072", 0);
    parse_procs(getenv("FAKE_NVML_GRAPHICS_PROCS"), 1);
    parse_util(getenv("FAKE_NVML_PROC_UTIL"));
    init_count++;
    return NVML_SUCCESS;
}

static nvmlReturn_t do_init(void) {
    pthread_mutex_lock(&state_lock);
    nvmlReturn_t r = do_init_unlocked();
    pthread_mutex_unlock(&state_lock);
    return r;
}

/* GPU_IS_LOST from the start of the lost window until a re-initialisation after its end. */
static int is_lost(struct fake_gpu *g) {
    if (g->lost_latched) return 1;
    if (g->recovered || g->index != lost_gpu) return 0;
    if (g->polls <= lost_after) return 0;
    if (lost_for == 0 || g->polls <= lost_after + lost_for) {
        g->lost_latched = 1;
        g->shut_down = 0;
        return 1;
    }
    return 0;
}

#define CHECK_DEVICE(dev)                                                 \
    do {                                                                  \
        if (init_count == 0) return NVML_ERROR_UNINITIALIZED;             \
        if ((dev) == NULL) return NVML_ERROR_INVALID_ARGUMENT;            \
        if (is_lost(dev)) return NVML_ERROR_GPU_IS_LOST;                  \
    } while (0)

EXPORT nvmlReturn_t nvmlInit_v2(void) { return do_init(); }
EXPORT nvmlReturn_t nvmlInit(void) { return do_init(); }

EXPORT nvmlReturn_t nvmlShutdown(void) {
    pthread_mutex_lock(&state_lock);
    if (init_count == 0) { pthread_mutex_unlock(&state_lock); return NVML_ERROR_UNINITIALIZED; }
    init_count--;
    /* The library really shuts down only when the last reference goes. */
    if (init_count == 0) {
        for (int i = 0; i < MAX_GPUS; i++) order[i] = i;
        const char *ord = getenv("FAKE_NVML_ORDER");
        if (ord && *ord) {
            int used[MAX_GPUS] = {0}, n = 0, ok = 1, tmp[MAX_GPUS];
            char buf[256];
            snprintf(buf, sizeof buf, "%s", ord);
            char *save = NULL;
            for (char *t = strtok_r(buf, ",", &save); t && n < MAX_GPUS; t = strtok_r(NULL, ",", &save)) {
                int c = atoi(t);
                if (c < 0 || c >= MAX_GPUS || used[c]) { ok = 0; break; }
                used[c] = 1;
                tmp[n++] = c;
            }
            if (ok) for (int i = 0; i < n; i++) order[i] = tmp[i];
        }
        for (int i = 0; i < MAX_GPUS; i++) {
            if (gpus[i].lost_latched) gpus[i].shut_down = 1;
        }
    }
    pthread_mutex_unlock(&state_lock);
    return NVML_SUCCESS;
}

EXPORT const char *nvmlErrorString(nvmlReturn_t result) {
    switch (result) {
        case NVML_SUCCESS: return "Success";
        case NVML_ERROR_UNINITIALIZED: return "Uninitialized";
        case NVML_ERROR_INVALID_ARGUMENT: return "Invalid Argument";
        case NVML_ERROR_NOT_SUPPORTED: return "Not Supported";
        case NVML_ERROR_NO_PERMISSION: return "Insufficient Permissions";
        case NVML_ERROR_NOT_FOUND: return "Not Found";
        case NVML_ERROR_INSUFFICIENT_SIZE: return "Insufficient Size";
        case NVML_ERROR_DRIVER_NOT_LOADED: return "Driver Not Loaded";
        case NVML_ERROR_GPU_IS_LOST: return "GPU is lost";
        case NVML_ERROR_ARGUMENT_VERSION_MISMATCH: return "Argument version mismatch";
        default: return "Unknown Error";
    }
}

EXPORT nvmlReturn_t nvmlSystemGetDriverVersion(char *version, unsigned int length) {
    if (init_count == 0) return NVML_ERROR_UNINITIALIZED;
    const char *v = "580.95.05";
    if (version == NULL) return NVML_ERROR_INVALID_ARGUMENT;
    if (length < strlen(v) + 1) return NVML_ERROR_INSUFFICIENT_SIZE;
    strcpy(version, v);
    return NVML_SUCCESS;
}

static nvmlReturn_t get_count(unsigned int *count) {
    if (init_count == 0) return NVML_ERROR_UNINITIALIZED;
    if (count == NULL) return NVML_ERROR_INVALID_ARGUMENT;
    *count = (unsigned int) gpu_count;
    return NVML_SUCCESS;
}

static nvmlReturn_t get_handle(unsigned int index, nvmlDevice_t *device) {
    if (init_count == 0) return NVML_ERROR_UNINITIALIZED;
    if (device == NULL || index >= (unsigned int) gpu_count) return NVML_ERROR_INVALID_ARGUMENT;
    *device = &gpus[order[index]];
    return NVML_SUCCESS;
}

EXPORT nvmlReturn_t nvmlDeviceGetCount(unsigned int *count) { return get_count(count); }
EXPORT nvmlReturn_t nvmlDeviceGetHandleByIndex(unsigned int index, nvmlDevice_t *device) { return get_handle(index, device); }
#ifndef FAKE_OLD_DRIVER
EXPORT nvmlReturn_t nvmlDeviceGetCount_v2(unsigned int *count) { return get_count(count); }
EXPORT nvmlReturn_t nvmlDeviceGetHandleByIndex_v2(unsigned int index, nvmlDevice_t *device) { return get_handle(index, device); }
#endif

EXPORT nvmlReturn_t nvmlDeviceGetName(nvmlDevice_t dev, char *name, unsigned int length) {
    CHECK_DEVICE(dev);
    const char *n = NAMES[dev->index % 4];
    if (name == NULL) return NVML_ERROR_INVALID_ARGUMENT;
    if (length < strlen(n) + 1) return NVML_ERROR_INSUFFICIENT_SIZE;
    strcpy(name, n);
    return NVML_SUCCESS;
}

EXPORT nvmlReturn_t nvmlDeviceGetUUID(nvmlDevice_t dev, char *uuid, unsigned int length) {
    CHECK_DEVICE(dev);
    if (uuid == NULL || length < 41) return length < 41 ? NVML_ERROR_INSUFFICIENT_SIZE : NVML_ERROR_INVALID_ARGUMENT;
    if (dev->mig_parent >= 0) {
        snprintf(uuid, length, "MIG-%08x-7a1b-5c2d-9e3f-%012x", 0x5eed0000u + (unsigned) dev->mig_parent,
                 0xd00u + (unsigned) dev->mig_slot);
        return NVML_SUCCESS;
    }
    snprintf(uuid, length, "GPU-%08x-1c2d-4e5f-8a9b-%012x", 0x5eed0000u + (unsigned) dev->index,
             0xabc000u + (unsigned) dev->index);
    return NVML_SUCCESS;
}

EXPORT nvmlReturn_t nvmlDeviceGetUtilizationRates(nvmlDevice_t dev, nvmlUtilization_t *u) {
    if (dev != NULL) dev->polls++;
    CHECK_DEVICE(dev);
    if (u == NULL) return NVML_ERROR_INVALID_ARGUMENT;
    u->gpu = 10 + 30 * (unsigned) (dev->index % 4);
    u->memory = 5 + 20 * (unsigned) (dev->index % 4);
    return NVML_SUCCESS;
}

static unsigned long long total_bytes(const struct fake_gpu *g) {
    if (g->mig_parent >= 0) return 10ULL << 30; /* a 1g.10gb slice */
    return TOTAL_GIB[g->index % 4] << 30;
}
static unsigned long long used_bytes(const struct fake_gpu *g) {
    if (g->mig_parent >= 0) return (unsigned long long) (g->mig_slot + 1) << 30;
    return (unsigned long long) (g->index + 1) * (3ULL << 30);
}

EXPORT nvmlReturn_t nvmlDeviceGetMemoryInfo(nvmlDevice_t dev, nvmlMemory_t *m) {
    CHECK_DEVICE(dev);
    if (m == NULL) return NVML_ERROR_INVALID_ARGUMENT;
    m->total = total_bytes(dev);
    m->used = used_bytes(dev);
    m->free = m->total - m->used;
    return NVML_SUCCESS;
}

#ifndef FAKE_OLD_DRIVER
EXPORT nvmlReturn_t nvmlDeviceGetMemoryInfo_v2(nvmlDevice_t dev, nvmlMemory_v2_t *m) {
    CHECK_DEVICE(dev);
    if (m == NULL) return NVML_ERROR_INVALID_ARGUMENT;
    if (m->version != NVML_MEMORY_V2_VERSION) return NVML_ERROR_ARGUMENT_VERSION_MISMATCH;
    m->total = total_bytes(dev);
    m->reserved = 512ULL << 20;
    m->used = used_bytes(dev);
    m->free = m->total - m->used - m->reserved;
    return NVML_SUCCESS;
}
#endif

static int temperature_of(const struct fake_gpu *g) { return 40 + 7 * g->index; }

EXPORT nvmlReturn_t nvmlDeviceGetTemperature(nvmlDevice_t dev, int sensorType, unsigned int *temp) {
    CHECK_DEVICE(dev);
    if (temp == NULL || sensorType != 0) return NVML_ERROR_INVALID_ARGUMENT;
    if (dev->unsupported) return NVML_ERROR_NOT_SUPPORTED;
    *temp = (unsigned) temperature_of(dev);
    return NVML_SUCCESS;
}

#ifndef FAKE_OLD_DRIVER
EXPORT nvmlReturn_t nvmlDeviceGetTemperatureV(nvmlDevice_t dev, nvmlTemperature_t *t) {
    CHECK_DEVICE(dev);
    if (t == NULL || t->sensorType != 0) return NVML_ERROR_INVALID_ARGUMENT;
    if (t->version != NVML_TEMPERATURE_VERSION) return NVML_ERROR_ARGUMENT_VERSION_MISMATCH;
    if (dev->unsupported) return NVML_ERROR_NOT_SUPPORTED;
    t->temperature = temperature_of(dev);
    return NVML_SUCCESS;
}
#endif

EXPORT nvmlReturn_t nvmlDeviceGetPowerUsage(nvmlDevice_t dev, unsigned int *mw) {
    CHECK_DEVICE(dev);
    if (mw == NULL) return NVML_ERROR_INVALID_ARGUMENT;
    if (dev->unsupported) return NVML_ERROR_NOT_SUPPORTED;
    *mw = 150000u + 50000u * (unsigned) dev->index + 123u;
    return NVML_SUCCESS;
}

EXPORT nvmlReturn_t nvmlDeviceGetPowerManagementLimit(nvmlDevice_t dev, unsigned int *mw) {
    CHECK_DEVICE(dev);
    if (mw == NULL) return NVML_ERROR_INVALID_ARGUMENT;
    if (dev->unsupported) return NVML_ERROR_NOT_SUPPORTED;
    *mw = POWER_LIMIT_MW[dev->index % 4];
    return NVML_SUCCESS;
}

EXPORT nvmlReturn_t nvmlDeviceGetClockInfo(nvmlDevice_t dev, int type, unsigned int *mhz) {
    CHECK_DEVICE(dev);
    if (mhz == NULL) return NVML_ERROR_INVALID_ARGUMENT;
    switch (type) {
        case 0: *mhz = 1700u + 10u * (unsigned) dev->index; return NVML_SUCCESS;  /* graphics */
        case 1: *mhz = 1755u + 10u * (unsigned) dev->index; return NVML_SUCCESS;  /* SM */
        case 2: *mhz = 2619u - 100u * (unsigned) dev->index; return NVML_SUCCESS; /* memory */
        case 3: *mhz = 1500u; return NVML_SUCCESS;                                /* video */
        default: return NVML_ERROR_INVALID_ARGUMENT;
    }
}

EXPORT nvmlReturn_t nvmlDeviceGetFanSpeed(nvmlDevice_t dev, unsigned int *speed) {
    CHECK_DEVICE(dev);
    if (speed == NULL) return NVML_ERROR_INVALID_ARGUMENT;
    if (dev->unsupported) return NVML_ERROR_NOT_SUPPORTED;
    *speed = 30u + 5u * (unsigned) dev->index;
    return NVML_SUCCESS;
}

/* GPU 0 idle, GPU 1 power capped, GPU 2 thermal slowdown (SW + HW), then repeating. */
static unsigned long long reasons_of(const struct fake_gpu *g) {
    static const unsigned long long R[] = {0x1ULL, 0x4ULL, 0x20ULL | 0x40ULL, 0x0ULL};
    return R[g->index % 4];
}

EXPORT nvmlReturn_t nvmlDeviceGetCurrentClocksThrottleReasons(nvmlDevice_t dev, unsigned long long *reasons) {
    CHECK_DEVICE(dev);
    if (reasons == NULL) return NVML_ERROR_INVALID_ARGUMENT;
    *reasons = reasons_of(dev);
    return NVML_SUCCESS;
}

#ifndef FAKE_OLD_DRIVER
EXPORT nvmlReturn_t nvmlDeviceGetCurrentClocksEventReasons(nvmlDevice_t dev, unsigned long long *reasons) {
    return nvmlDeviceGetCurrentClocksThrottleReasons(dev, reasons);
}
#endif

EXPORT nvmlReturn_t nvmlDeviceGetTotalEccErrors(nvmlDevice_t dev, int errorType, int counterType,
                                                unsigned long long *count) {
    CHECK_DEVICE(dev);
    if (count == NULL || errorType < 0 || errorType > 1 || counterType < 0 || counterType > 1) {
        return NVML_ERROR_INVALID_ARGUMENT;
    }
    if (dev->unsupported) return NVML_ERROR_NOT_SUPPORTED;
    /* corrected volatile, corrected aggregate, uncorrected volatile, uncorrected aggregate */
    unsigned long long base = errorType == 0 ? 3ULL * (unsigned) dev->index : (unsigned) dev->index / 2;
    *count = counterType == 0 ? base : base + 100ULL * (unsigned) errorType + 10ULL;
    return NVML_SUCCESS;
}

static nvmlReturn_t list_procs_unlocked(struct fake_gpu *dev, int graphics, unsigned int *count, nvmlProcessInfo_t *infos) {
    CHECK_DEVICE(dev);
    if (count == NULL) return NVML_ERROR_INVALID_ARGUMENT;
    struct fake_proc *procs = graphics ? dev->graphics : dev->compute;
    int n = graphics ? dev->ngraphics : dev->ncompute;
    unsigned int live = 0;
    for (int i = 0; i < n; i++) {
        if (dev->polls >= procs[i].from && (procs[i].to < 0 || dev->polls <= procs[i].to)) live++;
    }
    if (*count < live || (live > 0 && infos == NULL)) {
        *count = live;
        return NVML_ERROR_INSUFFICIENT_SIZE;
    }
    unsigned int k = 0;
    for (int i = 0; i < n; i++) {
        if (dev->polls >= procs[i].from && (procs[i].to < 0 || dev->polls <= procs[i].to)) {
            infos[k].pid = procs[i].pid;
            infos[k].usedGpuMemory = procs[i].bytes;
            infos[k].gpuInstanceId = 0xFFFFFFFFu;
            infos[k].computeInstanceId = 0xFFFFFFFFu;
            k++;
        }
    }
    *count = live;
    return NVML_SUCCESS;
}

static nvmlReturn_t list_procs(struct fake_gpu *dev, int graphics, unsigned int *count, nvmlProcessInfo_t *infos) {
    pthread_mutex_lock(&state_lock);
    nvmlReturn_t r = list_procs_unlocked(dev, graphics, count, infos);
    pthread_mutex_unlock(&state_lock);
    return r;
}

/* _v2 and _v3 share the 24-byte process struct. */
EXPORT nvmlReturn_t nvmlDeviceGetComputeRunningProcesses_v2(nvmlDevice_t dev, unsigned int *count, nvmlProcessInfo_t *infos) {
    return list_procs(dev, 0, count, infos);
}
EXPORT nvmlReturn_t nvmlDeviceGetGraphicsRunningProcesses_v2(nvmlDevice_t dev, unsigned int *count, nvmlProcessInfo_t *infos) {
    return list_procs(dev, 1, count, infos);
}
#ifndef FAKE_OLD_DRIVER
EXPORT nvmlReturn_t nvmlDeviceGetComputeRunningProcesses_v3(nvmlDevice_t dev, unsigned int *count, nvmlProcessInfo_t *infos) {
    return list_procs(dev, 0, count, infos);
}
EXPORT nvmlReturn_t nvmlDeviceGetGraphicsRunningProcesses_v3(nvmlDevice_t dev, unsigned int *count, nvmlProcessInfo_t *infos) {
    return list_procs(dev, 1, count, infos);
}
#endif

/* ---- per-process utilization ---- */

typedef struct {
    unsigned int pid;
    unsigned long long timeStamp; /* microseconds since the epoch */
    unsigned int smUtil, memUtil, encUtil, decUtil;
} nvmlProcessUtilizationSample_t;                                                              /* 32 B */
_Static_assert(sizeof(nvmlProcessUtilizationSample_t) == 32, "nvmlProcessUtilizationSample_t layout");

static unsigned long long now_micros(void) {
    struct timeval tv;
    gettimeofday(&tv, NULL);
    return (unsigned long long) tv.tv_sec * 1000000ULL + (unsigned long long) tv.tv_usec;
}

static nvmlReturn_t process_utilization_unlocked(nvmlDevice_t dev, nvmlProcessUtilizationSample_t *samples,
                                                 unsigned int *count, unsigned long long lastSeenTimeStamp) {
    CHECK_DEVICE(dev);
    if (count == NULL) return NVML_ERROR_INVALID_ARGUMENT;
    if (dev->index == mig_gpu) return NVML_ERROR_NOT_SUPPORTED; /* not on MIG-enabled GPUs */
    unsigned long long now = now_micros();
    (void) lastSeenTimeStamp; /* every sample is "now", so always newer than what the caller saw */
    if (dev->nutil == 0) { *count = 0; return NVML_ERROR_NOT_FOUND; }
    if (samples == NULL || *count < (unsigned int) dev->nutil) {
        *count = (unsigned int) dev->nutil;
        return NVML_ERROR_INSUFFICIENT_SIZE;
    }
    for (int i = 0; i < dev->nutil; i++) {
        samples[i].pid = dev->util[i].pid;
        samples[i].timeStamp = now;
        samples[i].smUtil = dev->util[i].sm;
        samples[i].memUtil = dev->util[i].mem;
        samples[i].encUtil = 0;
        samples[i].decUtil = 0;
    }
    *count = (unsigned int) dev->nutil;
    return NVML_SUCCESS;
}

EXPORT nvmlReturn_t nvmlDeviceGetProcessUtilization(nvmlDevice_t dev, nvmlProcessUtilizationSample_t *samples,
                                                    unsigned int *count, unsigned long long lastSeenTimeStamp) {
    pthread_mutex_lock(&state_lock);
    nvmlReturn_t r = process_utilization_unlocked(dev, samples, count, lastSeenTimeStamp);
    pthread_mutex_unlock(&state_lock);
    return r;
}

/* The newer, versioned call (drivers from 550 on): same samples, with JPEG/OFA engines. */
typedef struct {
    unsigned long long timeStamp;
    unsigned int pid, smUtil, memUtil, encUtil, decUtil, jpgUtil, ofaUtil;
} nvmlProcessUtilizationInfo_v1_t;                                                             /* 40 B */
typedef struct {
    unsigned int version;
    unsigned int processSamplesCount;
    unsigned long long lastSeenTimeStamp;
    nvmlProcessUtilizationInfo_v1_t *procUtilArray;
} nvmlProcessesUtilizationInfo_v1_t;                                                           /* 24 B */
_Static_assert(sizeof(nvmlProcessUtilizationInfo_v1_t) == 40, "nvmlProcessUtilizationInfo_v1_t layout");
_Static_assert(sizeof(nvmlProcessesUtilizationInfo_v1_t) == 24, "nvmlProcessesUtilizationInfo_v1_t layout");
#define NVML_PROCESSES_UTILIZATION_INFO_V1 (unsigned int)(sizeof(nvmlProcessesUtilizationInfo_v1_t) | (1 << 24))

#ifndef FAKE_OLD_DRIVER
static nvmlReturn_t processes_utilization_info_unlocked(nvmlDevice_t dev, nvmlProcessesUtilizationInfo_v1_t *info) {
    CHECK_DEVICE(dev);
    if (info == NULL) return NVML_ERROR_INVALID_ARGUMENT;
    if (info->version != NVML_PROCESSES_UTILIZATION_INFO_V1) return NVML_ERROR_ARGUMENT_VERSION_MISMATCH;
    /* FAKE_NVML_NO_PROC_UTIL_INFO=1: the symbol is there but the call is not (the caller falls back). */
    if (env_long("FAKE_NVML_NO_PROC_UTIL_INFO", 0) != 0) return NVML_ERROR_NOT_SUPPORTED;
    if (dev->index == mig_gpu) return NVML_ERROR_NOT_SUPPORTED;
    unsigned long long now = now_micros();
    if (dev->nutil == 0) { info->processSamplesCount = 0; return NVML_ERROR_NOT_FOUND; }
    if (info->procUtilArray == NULL || info->processSamplesCount < (unsigned int) dev->nutil) {
        info->processSamplesCount = (unsigned int) dev->nutil;
        return NVML_ERROR_INSUFFICIENT_SIZE;
    }
    for (int i = 0; i < dev->nutil; i++) {
        nvmlProcessUtilizationInfo_v1_t *o = &info->procUtilArray[i];
        o->timeStamp = now;
        o->pid = dev->util[i].pid;
        o->smUtil = dev->util[i].sm;
        o->memUtil = dev->util[i].mem;
        o->encUtil = 0;
        o->decUtil = 0;
        o->jpgUtil = 1;
        o->ofaUtil = 2;
    }
    info->processSamplesCount = (unsigned int) dev->nutil;
    return NVML_SUCCESS;
}

EXPORT nvmlReturn_t nvmlDeviceGetProcessesUtilizationInfo(nvmlDevice_t dev, nvmlProcessesUtilizationInfo_v1_t *info) {
    pthread_mutex_lock(&state_lock);
    nvmlReturn_t r = processes_utilization_info_unlocked(dev, info);
    pthread_mutex_unlock(&state_lock);
    return r;
}
#endif

/* ---- energy ---- */

/* Millijoules since "driver load": grows by the GPU's power for one second per poll. */
EXPORT nvmlReturn_t nvmlDeviceGetTotalEnergyConsumption(nvmlDevice_t dev, unsigned long long *mj) {
    CHECK_DEVICE(dev);
    if (mj == NULL) return NVML_ERROR_INVALID_ARGUMENT;
    if (dev->unsupported) return NVML_ERROR_NOT_SUPPORTED;
    unsigned long long mw = 150000ULL + 50000ULL * (unsigned) dev->index + 123ULL;
    *mj = 1000000ULL * (unsigned) (dev->index + 1) + mw * (unsigned long long) dev->polls;
    return NVML_SUCCESS;
}

/* ---- events ---- */

typedef struct {
    nvmlDevice_t device;
    unsigned long long eventType;
    unsigned long long eventData;
    unsigned int gpuInstanceId;
    unsigned int computeInstanceId;
} nvmlEventData_t;                                                                             /* 32 B */
_Static_assert(sizeof(nvmlEventData_t) == 32, "nvmlEventData_t layout");

struct fake_event_set { unsigned long long mask[MAX_GPUS]; long generation; };
typedef struct fake_event_set *nvmlEventSet_t;

#define MAX_EVENTS 64
static pthread_mutex_t ev_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t ev_cond = PTHREAD_COND_INITIALIZER;
static struct { int gpu; unsigned long long type, data; } ev_queue[MAX_EVENTS];
static int ev_count = 0;
static long driver_generation = 0;

EXPORT nvmlReturn_t nvmlEventSetCreate(nvmlEventSet_t *set) {
    if (init_count == 0) return NVML_ERROR_UNINITIALIZED;
    if (set == NULL) return NVML_ERROR_INVALID_ARGUMENT;
    struct fake_event_set *s = calloc(1, sizeof *s);
    if (s == NULL) return NVML_ERROR_UNKNOWN;
    pthread_mutex_lock(&ev_lock);
    s->generation = driver_generation;
    pthread_mutex_unlock(&ev_lock);
    *set = s;
    return NVML_SUCCESS;
}

EXPORT nvmlReturn_t nvmlDeviceRegisterEvents(nvmlDevice_t dev, unsigned long long types, nvmlEventSet_t set) {
    CHECK_DEVICE(dev);
    if (set == NULL) return NVML_ERROR_INVALID_ARGUMENT;
    if (dev->unsupported && (types & 0x3ULL)) return NVML_ERROR_NOT_SUPPORTED; /* no ECC on these cards */
    pthread_mutex_lock(&ev_lock);
    set->mask[dev->index] |= types;
    pthread_mutex_unlock(&ev_lock);
    return NVML_SUCCESS;
}

EXPORT nvmlReturn_t nvmlEventSetWait_v2(nvmlEventSet_t set, nvmlEventData_t *data, unsigned int timeoutms) {
    if (set == NULL || data == NULL) return NVML_ERROR_INVALID_ARGUMENT;
    struct timespec deadline;
    clock_gettime(CLOCK_REALTIME, &deadline);
    deadline.tv_sec += timeoutms / 1000;
    deadline.tv_nsec += (long) (timeoutms % 1000) * 1000000L;
    if (deadline.tv_nsec >= 1000000000L) { deadline.tv_sec++; deadline.tv_nsec -= 1000000000L; }
    pthread_mutex_lock(&ev_lock);
    for (;;) {
        if (init_count == 0 || set->generation != driver_generation) {
            pthread_mutex_unlock(&ev_lock);
            return NVML_ERROR_UNINITIALIZED;
        }
        for (int i = 0; i < ev_count; i++) {
            if (set->mask[ev_queue[i].gpu] & ev_queue[i].type) {
                data->device = &gpus[ev_queue[i].gpu];
                data->eventType = ev_queue[i].type;
                data->eventData = ev_queue[i].data;
                data->gpuInstanceId = 0xFFFFFFFFu;
                data->computeInstanceId = 0xFFFFFFFFu;
                memmove(&ev_queue[i], &ev_queue[i + 1], (size_t) (ev_count - i - 1) * sizeof ev_queue[0]);
                ev_count--;
                pthread_mutex_unlock(&ev_lock);
                return NVML_SUCCESS;
            }
        }
        if (pthread_cond_timedwait(&ev_cond, &ev_lock, &deadline) != 0) {
            pthread_mutex_unlock(&ev_lock);
            return NVML_ERROR_TIMEOUT;
        }
    }
}

EXPORT nvmlReturn_t nvmlEventSetFree(nvmlEventSet_t set) {
    if (set == NULL) return NVML_ERROR_INVALID_ARGUMENT;
    free(set);
    return NVML_SUCCESS;
}

/* Fake-only: queue an event for GPU gpu. Returns 0, or -1 when the queue is full or gpu is out of range. */
EXPORT int fakeNvmlInjectEvent(int gpu, unsigned long long type, unsigned long long data) {
    if (gpu < 0 || gpu >= MAX_GPUS) return -1;
    pthread_mutex_lock(&ev_lock);
    if (ev_count >= MAX_EVENTS) { pthread_mutex_unlock(&ev_lock); return -1; }
    ev_queue[ev_count].gpu = gpu;
    ev_queue[ev_count].type = type;
    ev_queue[ev_count].data = data;
    ev_count++;
    pthread_cond_broadcast(&ev_cond);
    pthread_mutex_unlock(&ev_lock);
    return 0;
}

EXPORT int fakeNvmlInjectXid(int gpu, unsigned long long xid) { return fakeNvmlInjectEvent(gpu, 0x8ULL, xid); }

/* Fake-only: the driver goes away (unloaded, or the whole device lost): init references dropped. */
EXPORT void fakeNvmlDriverReset(void) {
    pthread_mutex_lock(&state_lock);
    pthread_mutex_lock(&ev_lock);
    init_count = 0;
    for (int i = 0; i < MAX_GPUS; i++) {
        if (gpus[i].lost_latched) gpus[i].shut_down = 1; /* as a last shutdown */
    }
    driver_generation++;
    ev_count = 0;
    pthread_cond_broadcast(&ev_cond);
    pthread_mutex_unlock(&ev_lock);
    pthread_mutex_unlock(&state_lock);
}

/* ---- MIG ---- */

EXPORT nvmlReturn_t nvmlDeviceGetMigMode(nvmlDevice_t dev, unsigned int *current, unsigned int *pending) {
    CHECK_DEVICE(dev);
    if (current == NULL || pending == NULL) return NVML_ERROR_INVALID_ARGUMENT;
    if (dev->mig_parent >= 0) return NVML_ERROR_INVALID_ARGUMENT;
    *current = *pending = dev->index == mig_gpu ? 1u : 0u;
    return NVML_SUCCESS;
}

EXPORT nvmlReturn_t nvmlDeviceGetMaxMigDeviceCount(nvmlDevice_t dev, unsigned int *count) {
    CHECK_DEVICE(dev);
    if (count == NULL) return NVML_ERROR_INVALID_ARGUMENT;
    *count = dev->index == mig_gpu ? 7u : 0u;
    return NVML_SUCCESS;
}

EXPORT nvmlReturn_t nvmlDeviceGetMigDeviceHandleByIndex(nvmlDevice_t dev, unsigned int index, nvmlDevice_t *mig) {
    CHECK_DEVICE(dev);
    if (mig == NULL) return NVML_ERROR_INVALID_ARGUMENT;
    if (dev->index != mig_gpu) return NVML_ERROR_NOT_SUPPORTED;
    if (index >= 7) return NVML_ERROR_INVALID_ARGUMENT;
    if (index >= MIG_SLOTS) return NVML_ERROR_NOT_FOUND; /* slot not populated */
    *mig = &mig_devs[index];
    return NVML_SUCCESS;
}
