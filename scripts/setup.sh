#!/usr/bin/env bash
# Installs what the project needs beyond the Swift 6.3 toolchain: QEMU for x86 and ARM, and for
# the Linux peer boot tests ip/tc (iproute2), ping (iputils-ping) and Debian's Python 3, and nc
# (netcat-openbsd) for README's transcript, and the clients the kv and http services are tested
# and benchmarked with: redis-cli and redis-benchmark (redis-tools), curl and wrk; libvirt for
# the fleet (liu fleet), configured for a machine without systemd or virtlogd (docs/fleet.md).
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
command -v libvirtd >/dev/null && command -v virsh >/dev/null || missing+=(libvirt-daemon-system libvirt-clients)
sudo=""
[ "$(id -u)" -eq 0 ] || sudo="sudo"
if [ ${#missing[@]} -gt 0 ]; then
    echo "setup: installing ${missing[*]}"
    $sudo apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi
# libvirt's QEMU driver: run QEMU as root (otherwise libvirtd probes QEMU again at every start),
# leave the owners of kernel images alone, no cgroups, and the console log in a plain file
# (there is no virtlogd). Settings already there are replaced, so running this twice is harmless.
qemu_conf=/etc/libvirt/qemu.conf
if [ -f "$qemu_conf" ]; then
    for setting in 'user = "root"' 'group = "root"' 'dynamic_ownership = 0' 'remember_owner = 0' \
                   'security_driver = "none"' 'cgroup_controllers = [ ]' 'stdio_handler = "file"'; do
        key=${setting%% =*}
        grep -qxF "$setting" "$qemu_conf" && continue
        $sudo sed -i "/^[[:space:]]*$key[[:space:]]*=/d" "$qemu_conf"
        echo "$setting" | $sudo tee -a "$qemu_conf" >/dev/null
    done
fi
for tool in swift swiftc clang ld.lld llvm-objcopy; do
    command -v "$tool" >/dev/null || { echo "setup: $tool not found: install the Swift 6.3 toolchain and put its bin folder on PATH" >&2; exit 1; }
done
