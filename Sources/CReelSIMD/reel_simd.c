// Everything is static inline in include/reel_simd.h; SwiftPM needs a source file.
#include "reel_simd.h"
