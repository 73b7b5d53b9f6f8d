#!/usr/bin/env bash
# Installs what the project needs beyond the Swift 6.3 toolchain: QEMU for x86 and ARM, and for
# the Linux peer boot tests ip/tc (iproute2), ping (iputils-ping) and Debian's Python 3, and nc
# (netcat-openbsd) for README's transcript, and the clients the kv and http services are tested
# and benchmarked with: redis-cli and redis-benchmark (redis-tools), curl and wrk.
set -euo pipefail

missing=()
command -v qemu-system-x86_64 >/dev/null || missing+=(qemu-system-x86)
command -v qemu-system-aarch64 >/dev/null || missing+=(qemu-system-arm)
command -v ip >/dev/null && command -v tc >/dev/null || missing+=(iproute2)
command -v ping >/dev/null || missing+=(iputils-ping)
[ -x /usr/bin/python3 ] || missing+=(python3)
command -v nc >/dev/null || missing+=(netcat-openbsd)
command -v redis-cli >/dev/null && command -v redis-benchmark >/dev/null || missing+=(redis-tools)
command -v curl >/dev/null || missing+=(curl)
command -v wrk >/dev/null || missing+=(wrk)
if [ ${#missing[@]} -gt 0 ]; then
    echo "setup: installing ${missing[*]}"
    sudo=""
    [ "$(id -u)" -eq 0 ] || sudo="sudo"
    $sudo apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "${missing[@]}" >/dev/null
fi
for tool in swift swiftc clang ld.lld llvm-objcopy; do
    command -v "$tool" >/dev/null || { echo "setup: $tool not found: install the Swift 6.3 toolchain and put its bin folder on PATH" >&2; exit 1; }
done
