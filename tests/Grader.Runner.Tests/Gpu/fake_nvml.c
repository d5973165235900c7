/*
 * A stand-in for libnvidia-ml.so.1, built by the tests with gcc, so the NVML marshalling and sampling
 * code runs on machines without a GPU. It exports the NVML entry points Grader calls, with the real
 * signatures, returning known values; fake_nvml_configure() injects error codes.
 *
 * Readings are deterministic: each device's memory.used grows by 256 MiB and its utilisation by 10 points
 * on every nvmlDeviceGetMemoryInfo / nvmlDeviceGetUtilizationRates call, starting from (index+1) GiB and 10%.
 */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

typedef struct { unsigned long long total, free, used; } nvmlMemory_t;
typedef struct { unsigned int gpu, memory; } nvmlUtilization_t;
typedef void *nvmlDevice_t;

#define MAX_DEVICES 8
static int init_error = 0, sample_error = 0, energy_supported = 1;
static unsigned int device_count = 2;
static int initialized = 0;
static unsigned int memory_calls[MAX_DEVICES], util_calls[MAX_DEVICES], energy_calls[MAX_DEVICES];

void fake_nvml_configure(int init_err, int devices, int sample_err, int energy)
{
    init_error = init_err;
    device_count = (unsigned int)devices;
    sample_error = sample_err;
    energy_supported = energy;
}

int fake_nvml_is_initialized(void) { return initialized; }

static int device_index(nvmlDevice_t device, unsigned int *index)
{
    uintptr_t value = (uintptr_t)device;
    if (value < 1 || value > device_count) return 2; /* NVML_ERROR_INVALID_ARGUMENT */
    *index = (unsigned int)(value - 1);
    return 0;
}

int nvmlInit_v2(void) { if (init_error) return init_error; initialized = 1; return 0; }
int nvmlShutdown(void) { initialized = 0; return 0; }

const char *nvmlErrorString(int result)
{
    switch (result) {
    case 0: return "Success";
    case 2: return "Invalid Argument";
    case 3: return "Not Supported";
    case 9: return "Driver Not Loaded";
    case 15: return "GPU is lost";
    case 18: return "RM has detected an NVML/RM version mismatch.";
    default: return "Unknown Error";
    }
}

int nvmlSystemGetDriverVersion(char *version, unsigned int length)
{
    if (length < 10) return 7; /* NVML_ERROR_INSUFFICIENT_SIZE */
    snprintf(version, length, "%s", "550.54.15");
    return 0;
}

int nvmlSystemGetCudaDriverVersion_v2(int *version) { *version = 12040; return 0; }
int nvmlDeviceGetCount_v2(unsigned int *count) { if (!initialized) return 1; *count = device_count; return 0; }

int nvmlDeviceGetHandleByIndex_v2(unsigned int index, nvmlDevice_t *device)
{
    if (index >= device_count) return 2;
    *device = (nvmlDevice_t)(uintptr_t)(index + 1);
    return 0;
}

int nvmlDeviceGetName(nvmlDevice_t device, char *name, unsigned int length)
{
    unsigned int i; int r = device_index(device, &i); if (r) return r;
    snprintf(name, length, "Fake H100 80GB HBM3 #%u", i);
    return 0;
}

int nvmlDeviceGetUUID(nvmlDevice_t device, char *uuid, unsigned int length)
{
    unsigned int i; int r = device_index(device, &i); if (r) return r;
    snprintf(uuid, length, "GPU-0000000%u-1111-2222-3333-444444444444", i);
    return 0;
}

int nvmlDeviceGetMemoryInfo(nvmlDevice_t device, nvmlMemory_t *memory)
{
    unsigned int i; int r = device_index(device, &i); if (r) return r;
    unsigned long long gib = 1ULL << 30;
    memory->total = 80ULL * gib;
    memory->used = (i + 1) * gib + (unsigned long long)memory_calls[i]++ * (256ULL << 20);
    memory->free = memory->total - memory->used;
    return 0;
}

int nvmlDeviceGetUtilizationRates(nvmlDevice_t device, nvmlUtilization_t *utilization)
{
    unsigned int i; int r = device_index(device, &i); if (r) return r;
    if (sample_error) return sample_error;
    unsigned int u = 10 + 10 * util_calls[i]++;
    utilization->gpu = u > 100 ? 100 : u;
    utilization->memory = utilization->gpu / 2;
    return 0;
}

int nvmlDeviceGetPowerUsage(nvmlDevice_t device, unsigned int *milliwatts)
{
    unsigned int i; int r = device_index(device, &i); if (r) return r;
    *milliwatts = 250000 + 1000 * i; /* 250 W */
    return 0;
}

int nvmlDeviceGetTemperature(nvmlDevice_t device, int sensor, unsigned int *temperature)
{
    unsigned int i; int r = device_index(device, &i); if (r) return r;
    if (sensor != 0) return 2;
    *temperature = 60 + i;
    return 0;
}

int nvmlDeviceGetClockInfo(nvmlDevice_t device, int type, unsigned int *clock)
{
    unsigned int i; int r = device_index(device, &i); if (r) return r;
    switch (type) { case 0: *clock = 1980; return 0; case 1: *clock = 1980; return 0; case 2: *clock = 2619; return 0; case 3: *clock = 1755; return 0; }
    return 2;
}

int nvmlDeviceGetTotalEnergyConsumption(nvmlDevice_t device, unsigned long long *millijoules)
{
    unsigned int i; int r = device_index(device, &i); if (r) return r;
    if (!energy_supported) return 3; /* NVML_ERROR_NOT_SUPPORTED */
    /* 1000 J per reading on each device. */
    *millijoules = 5000000ULL + 1000000ULL * energy_calls[i]++;
    return 0;
}
