#!/usr/bin/env bash
# Builds the libFuzzer target for the release reader and runs it for a bounded
# time. Exits non-zero on a crash (the input is kept in .build-fuzz/crash-*).
#
#   Tests/Fuzz/run.sh [SECONDS]      # default 20
#
# Compiles ReelCore and the ReelServing target (the release format and reader;
# it depends on ReelCore alone), with the harness in ReelServing's module, directly with
# -sanitize=fuzzer,address at -Onone (debug bounds checks on every buffer
# access), so coverage guidance and ASan see the reader itself. SwiftPM does
# not build this folder: Tests/Fuzz is not a target.
set -euo pipefail
cd "$(dirname "$0")/../.."
seconds="${1:-20}"
out=.build-fuzz
mkdir -p "$out/ReelCore" "$out/corpus"

# CReelIO (ReelCore's file I/O helpers) is a plain C target: compile it and give
# Swift a module map for it, as SwiftPM does.
mkdir -p "$out/CReelIO"
printf 'module CReelIO {\n    header "%s/Sources/CReelIO/include/reel_io.h"\n    export *\n}\n' "$PWD" > "$out/CReelIO/module.modulemap"
clang -O1 -g -fPIC -c Sources/CReelIO/reel_io.c -I Sources/CReelIO/include -o "$out/reel_io.o"

flags=(-Onone -g -parse-as-library -swift-version 6 -sanitize=fuzzer,address
       -package-name Reel -I Sources/CXXHash -I Sources/CZstd -I "$out/CReelIO")

echo "fuzz: building ReelCore"
swiftc "${flags[@]}" -suppress-warnings -module-name ReelCore -emit-module -emit-module-path "$out/ReelCore/ReelCore.swiftmodule" \
    -emit-library -static -o "$out/libReelCore.a" $(find Sources/ReelCore -name '*.swift' | sort)

echo "fuzz: building release-reader-fuzz (every file of Sources/ReelServing + the harness)"
swiftc "${flags[@]}" -module-name ReleaseReaderFuzz -I "$out/ReelCore" -L "$out" -lReelCore -lxxhash -lzstd \
    $(find Sources/ReelServing -name '*.swift' | sort) \
    Tests/Fuzz/ReleaseReaderFuzz.swift "$out/reel_io.o" -o "$out/release-reader-fuzz"

echo "fuzz: running for ${seconds}s"
REEL_FUZZ_SEED_DIR="$out/corpus" ASAN_OPTIONS=detect_leaks=0 \
    "$out/release-reader-fuzz" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 \
    -artifact_prefix="$out/" -print_final_stats=1 "$out/corpus"
echo "fuzz: no crash in ${seconds}s"
