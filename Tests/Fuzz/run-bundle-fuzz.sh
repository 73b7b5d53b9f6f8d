#!/bin/sh
# Builds the libFuzzer target Tests/Fuzz/BundleFuzz.swift (with the address sanitizer) over the
# LiveUpdate sources and the CRC32C assembly, then runs it.
# Usage: Tests/Fuzz/run-bundle-fuzz.sh [libFuzzer options...]   (default: -runs=1000000)
# Environment: SWIFTC, CLANG (compilers), OUT (build directory, default .build/fuzz-bundle).
set -eu
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
OUT=${OUT:-$ROOT/.build/fuzz-bundle}
SWIFTC=${SWIFTC:-swiftc}
CLANG=${CLANG:-clang}
mkdir -p "$OUT/corpus"

for asm in "$ROOT"/Sources/CPUIntrinsics/*.S; do
    "$CLANG" -c "$asm" -o "$OUT/$(basename "$asm" .S).o"
done

# The library under test, instrumented for coverage and ASan.
"$SWIFTC" -sanitize=fuzzer,address -parse-as-library -O -wmo -swift-version 6 \
    -enable-experimental-feature Extern -module-name LiveUpdate \
    -emit-module -emit-module-path "$OUT/LiveUpdate.swiftmodule" \
    -c $(find "$ROOT/Sources/LiveUpdate" -name '*.swift') -o "$OUT/LiveUpdate.o"

"$SWIFTC" -sanitize=fuzzer,address -parse-as-library -O -swift-version 6 -I "$OUT" \
    "$ROOT/Tests/Fuzz/BundleFuzz.swift" \
    "$OUT/LiveUpdate.o" "$OUT"/crc32c_*.o -o "$OUT/bundle-fuzz"

if [ $# -eq 0 ]; then set -- -runs=1000000; fi
exec "$OUT/bundle-fuzz" -artifact_prefix="$OUT/" "$@" "$OUT/corpus"
