#!/usr/bin/env bash
# The whole test suite: host unit tests (storage format, network stack, kernel core, liu)
# and the QEMU boot tests on every target (TCG always, KVM where usable; skips say why).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
swift test "$@"
