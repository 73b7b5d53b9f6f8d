#!/bin/sh
# Builds a libFuzzer target (with the address sanitizer) over the LiveUpdate sources and the
# CRC32C assembly, then runs it: `storage` (Tests/Fuzz/StorageFuzz.swift, stored areas),
# `bundle` (Tests/Fuzz/BundleFuzz.swift, signed update bundles) or `netsnapshot`
# (Tests/Fuzz/NetSnapshotFuzz.swift, the network stack's connection records; also builds Net).
# Usage: Tests/Fuzz/run-fuzz.sh storage|bundle|netsnapshot [libFuzzer options...]   (default: -runs=1000000)
# Environment: SWIFTC, CLANG (compilers), OUT (build directory, default .build/fuzz-NAME).
set -eu
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
NAME=${1:-}
SUPPORT="$ROOT/Tests/LiveUpdateTests/Support"
case "$NAME" in
    storage) SOURCES="$ROOT/Tests/Fuzz/StorageFuzz.swift $SUPPORT/AreaExerciser.swift $SUPPORT/TestArea.swift $SUPPORT/SampleArea.swift" ;;
    bundle) SOURCES="$ROOT/Tests/Fuzz/BundleFuzz.swift" ;;
    netsnapshot) SOURCES="$ROOT/Tests/Fuzz/NetSnapshotFuzz.swift" ;;
    *) echo "usage: $0 storage|bundle|netsnapshot [libFuzzer options...]" >&2; exit 64 ;;
esac
shift
OUT=${OUT:-$ROOT/.build/fuzz-$NAME}
SWIFTC=${SWIFTC:-swiftc}
CLANG=${CLANG:-clang}
mkdir -p "$OUT/corpus" "$OUT/intrinsics"

for asm in "$ROOT"/Sources/CPUIntrinsics/*.S; do
    "$CLANG" -c "$asm" -o "$OUT/intrinsics/$(basename "$asm" .S).o"
done

# The library under test, instrumented for coverage and ASan.
"$SWIFTC" -sanitize=fuzzer,address -parse-as-library -O -wmo -swift-version 6 \
    -enable-experimental-feature Extern -module-name LiveUpdate \
    -emit-module -emit-module-path "$OUT/LiveUpdate.swiftmodule" \
    -c $(find "$ROOT/Sources/LiveUpdate" -name '*.swift') -o "$OUT/LiveUpdate.o"

# The network stack too, for the target that restores it.
LIBRARIES="$OUT/LiveUpdate.o"
if [ "$NAME" = netsnapshot ]; then
    "$SWIFTC" -sanitize=fuzzer,address -parse-as-library -O -wmo -swift-version 6 \
        -enable-experimental-feature Extern -module-name Net -I "$OUT" \
        -emit-module -emit-module-path "$OUT/Net.swiftmodule" \
        -c $(find "$ROOT/Sources/Net" -name '*.swift') -o "$OUT/Net.o"
    LIBRARIES="$LIBRARIES $OUT/Net.o"
    # A stack and its connections reference each other (a kernel never frees its stack), so
    # each restored stack stays allocated: leaks are expected, memory errors still fail.
    export ASAN_OPTIONS="detect_leaks=0${ASAN_OPTIONS:+:$ASAN_OPTIONS}"
fi

"$SWIFTC" -sanitize=fuzzer,address -parse-as-library -O -swift-version 6 -I "$OUT" \
    $SOURCES "$ROOT/Tests/Fuzz/FuzzEdits.swift" $LIBRARIES "$OUT"/intrinsics/*.o -o "$OUT/$NAME-fuzz"

if [ $# -eq 0 ]; then set -- -runs=1000000; fi
exec "$OUT/$NAME-fuzz" -artifact_prefix="$OUT/" "$@" "$OUT/corpus"
