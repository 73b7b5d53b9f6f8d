#!/usr/bin/env bash
# The demo: builds the kernel images and boots the hello service on x86_64 (KVM when it
# can, else TCG) and on aarch64, each printing its boot timeline.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
swift build -c release --product liu
.build/release/liu build
.build/release/liu run --target x86_64 --machine microvm
.build/release/liu run --target aarch64
