#!/usr/bin/env bash
# The whole test suite: one million fuzzed storage areas, one million fuzzed update bundles
# and 300,000 fuzzed network-stack snapshots (libFuzzer), the storage tests under the address sanitizer, then every host unit
# test (storage format, network stack, kernel core, liu) and the QEMU boot tests on every
# target (TCG always, KVM where usable; a skipped case says why).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
mkdir -p .build/logs

step() {  # step NAME COMMAND...: runs quietly, prints the log's end when it fails
    local name=$1; shift
    if "$@" > ".build/logs/$name.log" 2>&1; then
        echo "$name: passed"
    else
        tail -n 40 ".build/logs/$name.log"
        echo "$name: FAILED (full log: .build/logs/$name.log)"
        exit 1
    fi
}

step storage-fuzz Tests/Fuzz/run-fuzz.sh storage -runs=1000000
grep -E "^Done" .build/logs/storage-fuzz.log
step bundle-fuzz Tests/Fuzz/run-fuzz.sh bundle -runs=1000000
grep -E "^Done" .build/logs/bundle-fuzz.log
step netsnapshot-fuzz Tests/Fuzz/run-fuzz.sh netsnapshot -runs=300000
grep -E "^Done" .build/logs/netsnapshot-fuzz.log
# Leak detection off: XCTest's own runner leaks 144 bytes at exit; memory errors still fail.
ASAN_OPTIONS=detect_leaks=0 step storage-asan swift test --sanitize=address --scratch-path .build-asan --filter LiveUpdateTests
swift test "$@"
