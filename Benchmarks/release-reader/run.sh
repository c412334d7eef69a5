#!/usr/bin/env bash
# Builds and runs the release reader benchmark (-O, x86-64-v3 like the
# package's hot targets). Arguments: [USERS] [MOVIES].
set -euo pipefail
cd "$(dirname "$0")/../.."
out=.build-bench
mkdir -p "$out/ReelCore" "$out/CReelIO"
printf 'module CReelIO {\n    header "%s/Sources/CReelIO/include/reel_io.h"\n    export *\n}\n' "$PWD" > "$out/CReelIO/module.modulemap"
clang -O2 -fPIC -c Sources/CReelIO/reel_io.c -I Sources/CReelIO/include -o "$out/reel_io.o"
flags=(-O -wmo -parse-as-library -swift-version 6 -target-cpu haswell -package-name Reel
       -I Sources/CXXHash -I Sources/CZstd -I "$out/CReelIO")
swiftc "${flags[@]}" -suppress-warnings -module-name ReelCore -emit-module -emit-module-path "$out/ReelCore/ReelCore.swiftmodule" \
    -emit-library -static -o "$out/libReelCore.a" $(find Sources/ReelCore -name '*.swift' | sort)
# The reader is the ReelServing target (ReelCore only): every one of its files, with the benchmark.
swiftc "${flags[@]}" -module-name ReleaseReaderBench -I "$out/ReelCore" -L "$out" -lReelCore -lxxhash -lzstd \
    $(find Sources/ReelServing -name '*.swift' | sort) \
    Benchmarks/release-reader/ReleaseReaderBench.swift "$out/reel_io.o" -o "$out/release-reader-bench"
"$out/release-reader-bench" "$@"
