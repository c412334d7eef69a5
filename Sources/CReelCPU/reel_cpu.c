#define _GNU_SOURCE
#include "reel_cpu.h"

int reel_cpu_supports_baseline(void) {
#if defined(__x86_64__)
    __builtin_cpu_init();
    return __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma")
        && __builtin_cpu_supports("bmi2") && __builtin_cpu_supports("f16c");
#else
    return 1;
#endif
}

#if defined(__linux__)
#include <sched.h>
int reel_cpu_allowed_ids(int *ids, int capacity) {
    cpu_set_t set;
    CPU_ZERO(&set);
    if (sched_getaffinity(0, sizeof set, &set) != 0) return 0;
    int count = 0;
    for (int cpu = 0; cpu < CPU_SETSIZE && count < capacity; cpu++) {
        if (CPU_ISSET(cpu, &set)) ids[count++] = cpu;
    }
    return count;
}
int reel_cpu_pin_thread(const int *ids, int count) {
    cpu_set_t set;
    CPU_ZERO(&set);
    for (int i = 0; i < count; i++) {
        if (ids[i] < 0 || ids[i] >= CPU_SETSIZE) return -1;
        CPU_SET(ids[i], &set);
    }
    return sched_setaffinity(0, sizeof set, &set);
}
#else
int reel_cpu_allowed_ids(int *ids, int capacity) { (void)ids; (void)capacity; return 0; }
int reel_cpu_pin_thread(const int *ids, int count) { (void)ids; (void)count; return -1; }
#endif
