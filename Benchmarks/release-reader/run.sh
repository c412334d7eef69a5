#!/usr/bin/env bash
# Builds and runs the release reader benchmark (-O, x86-64-v3 like the
# package's hot targets). Arguments: [USERS] [MOVIES].
set -euo pipefail
cd "$(dirname "$0")/../.."
out=.build-bench
mkdir -p "$out/ReelCore"
flags=(-O -wmo -parse-as-library -swift-version 6 -target-cpu haswell -I Sources/CXXHash -I Sources/CZstd)
swiftc "${flags[@]}" -suppress-warnings -module-name ReelCore -emit-module -emit-module-path "$out/ReelCore/ReelCore.swiftmodule" \
    -emit-library -static -o "$out/libReelCore.a" Sources/ReelCore/*.swift
swiftc "${flags[@]}" -module-name ReleaseReaderBench -I "$out/ReelCore" -L "$out" -lReelCore -lxxhash -lzstd \
    Sources/ReelRelease/Format/ReleaseFormat.swift Sources/ReelRelease/Format/ReleaseContents.swift \
    Sources/ReelRelease/Read/ReleaseTables.swift Sources/ReelRelease/Read/ReleaseCheck.swift \
    Benchmarks/release-reader/ReleaseReaderBench.swift -o "$out/release-reader-bench"
"$out/release-reader-bench" "$@"
