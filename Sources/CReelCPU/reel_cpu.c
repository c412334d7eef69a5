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
