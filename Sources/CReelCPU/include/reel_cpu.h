#ifndef REEL_CPU_H
#define REEL_CPU_H
/// Returns 1 when the CPU has every feature the kernels are compiled for
/// (x86-64-v3: AVX2, FMA, BMI2, F16C, MOVBE), 0 otherwise.
int reel_cpu_supports_baseline(void);
/// Writes the ids of the CPUs this process may run on (its affinity mask),
/// in increasing order, into `ids` (at most `capacity`); returns how many,
/// or 0 when the mask cannot be read. Linux only (0 elsewhere).
int reel_cpu_allowed_ids(int *ids, int capacity);
/// Restricts the calling thread to the `count` CPUs in `ids`; returns 0 on
/// success, -1 otherwise. The daemon's tests use it to open connections from
/// a chosen CPU (connection steering, `ListenerBinding`).
int reel_cpu_pin_thread(const int *ids, int count);
#endif
