#ifndef REEL_CPU_H
#define REEL_CPU_H
/// Returns 1 when the CPU has every feature the kernels are compiled for
/// (x86-64-v3: AVX2, FMA, BMI2, F16C, MOVBE), 0 otherwise.
int reel_cpu_supports_baseline(void);
#endif
