#!/bin/sh
# Builds a libFuzzer target (with the address sanitizer) over the LiveUpdate sources and the
# CRC32C assembly, then runs it: `storage` (Tests/Fuzz/StorageFuzz.swift, stored areas) or
# `bundle` (Tests/Fuzz/BundleFuzz.swift, signed update bundles).
# Usage: Tests/Fuzz/run-fuzz.sh storage|bundle [libFuzzer options...]   (default: -runs=1000000)
# Environment: SWIFTC, CLANG (compilers), OUT (build directory, default .build/fuzz-NAME).
set -eu
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
NAME=${1:-}
SUPPORT="$ROOT/Tests/LiveUpdateTests/Support"
case "$NAME" in
    storage) SOURCES="$ROOT/Tests/Fuzz/StorageFuzz.swift $SUPPORT/AreaExerciser.swift $SUPPORT/TestArea.swift $SUPPORT/SampleArea.swift" ;;
    bundle) SOURCES="$ROOT/Tests/Fuzz/BundleFuzz.swift" ;;
    *) echo "usage: $0 storage|bundle [libFuzzer options...]" >&2; exit 64 ;;
esac
shift
OUT=${OUT:-$ROOT/.build/fuzz-$NAME}
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
    $SOURCES "$ROOT/Tests/Fuzz/FuzzEdits.swift" "$OUT/LiveUpdate.o" "$OUT"/crc32c_*.o -o "$OUT/$NAME-fuzz"

if [ $# -eq 0 ]; then set -- -runs=1000000; fi
exec "$OUT/$NAME-fuzz" -artifact_prefix="$OUT/" "$@" "$OUT/corpus"
