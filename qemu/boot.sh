#!/usr/bin/env bash
# Boots a swift-liveupdate kernel image in QEMU without liu, with the flags liu uses: it reads
# TARGET-MACHINE.args from this folder (the same files liu reads; format in README.md here) and
# execs QEMU, so that stopping this script stops QEMU. Run with --help for the options.
set -u

usage() {
    cat <<'EOF'
Usage: qemu/boot.sh TARGET MACHINE IMAGE [OPTIONS] [-- EXTRA QEMU ARGUMENTS]

Boots the kernel IMAGE (an .elf from liu build) in QEMU with the flags liu uses for TARGET on
MACHINE, from qemu/TARGET-MACHINE.args, on QEMU user networking (the guest is 10.0.2.15).
The serial console is standard input and output; QEMU replaces this script (exec).

TARGET MACHINE    i686 pc | i686 microvm | x86_64 pc | x86_64 microvm | aarch64 virt

Options:
  -p HOST_PORT:GUEST_PORT[/udp]
                  forward 127.0.0.1:HOST_PORT on this machine to the guest's port (TCP
                  unless /udp); repeat for more ports
  --kvm           run under KVM instead of TCG (under kvm-pvm, x86 kernels are also told
                  crc32c=software, as liu does)
  --memory MIB    guest memory in MiB, 16 to 65536 (default 256)
  --append ARGS   the kernel command line, e.g. "ip=dhcp liu.confirm-ms=2000"
  --no-network    no network card
  --reboot        a guest reset reboots the image (default: QEMU ends, as with liu)
  --print         print the QEMU command, one argument per line, instead of running it
  -h, --help      this text
  -- ARGS...      everything after -- goes to QEMU as it is, after the other arguments

Exit status: QEMU's. A kernel that exits with status S ends QEMU with 2 * S + 3 (3 is
success); 0 is a reset or power-off without a status, 1 a QEMU failure. This script itself
exits 64 for bad arguments, 65 for a malformed flags file, 69 when QEMU is not installed.

Examples:
  qemu/boot.sh x86_64 pc Services/hello/.build/x86_64/hello.elf
  qemu/boot.sh aarch64 virt Services/counter/.build/aarch64/counter.elf -p 8080:8 -p 6666:666
EOF
}

usage_error() {
    echo "qemu/boot.sh: $1" >&2
    echo "Run qemu/boot.sh --help for the usage." >&2
    exit 64
}

flags_error() {
    echo "qemu/boot.sh: $1" >&2
    exit 65
}

source_path=${BASH_SOURCE[0]}
resolved=$(readlink -f -- "$source_path" 2>/dev/null) && source_path=$resolved
folder=$(cd -- "$(dirname -- "$source_path")" && pwd) || exit 70

# --- the command line --------------------------------------------------------------------
positional=()
forwards=()
accelerator=tcg
memory=256
append=""
network=yes
reboot=no
print=no
extra=()
while [ $# -gt 0 ]; do
    case $1 in
        -h|--help) usage; exit 0 ;;
        -p|--publish)
            [ $# -ge 2 ] || usage_error "$1 needs HOST_PORT:GUEST_PORT"
            if [[ $2 =~ ^([0-9]{1,5}):([0-9]{1,5})(/(tcp|udp))?$ ]] \
                && (( 10#${BASH_REMATCH[1]} >= 1 && 10#${BASH_REMATCH[1]} <= 65535 \
                      && 10#${BASH_REMATCH[2]} >= 1 && 10#${BASH_REMATCH[2]} <= 65535 )); then
                transport=${BASH_REMATCH[4]:-tcp}
                forwards+=("hostfwd=$transport:127.0.0.1:$((10#${BASH_REMATCH[1]}))-:$((10#${BASH_REMATCH[2]}))")
            else
                usage_error "-p $2: write HOST_PORT:GUEST_PORT or HOST_PORT:GUEST_PORT/udp, ports 1 to 65535"
            fi
            shift 2 ;;
        --kvm) accelerator=kvm; shift ;;
        --tcg) accelerator=tcg; shift ;;
        --memory|-m)
            [ $# -ge 2 ] || usage_error "$1 needs a size in MiB"
            if [[ $2 =~ ^[0-9]{1,5}$ ]] && (( 10#$2 >= 16 && 10#$2 <= 65536 )); then
                memory=$((10#$2))
            else
                usage_error "$1 $2: the memory is in MiB, from 16 to 65536"
            fi
            shift 2 ;;
        --append)
            [ $# -ge 2 ] || usage_error "--append needs the kernel command line"
            append=$2; shift 2 ;;
        --no-network) network=no; shift ;;
        --reboot) reboot=yes; shift ;;
        --print) print=yes; shift ;;
        --) shift; extra=("$@"); break ;;
        -*) usage_error "unknown option '$1'" ;;
        *) positional+=("$1"); shift ;;
    esac
done

pairs=""
for file in "$folder"/*-*.args; do
    [ -e "$file" ] || continue
    name=${file##*/}
    name=${name%.args}
    pairs="$pairs${pairs:+, }${name%%-*} ${name#*-}"
done

[ ${#positional[@]} -ge 3 ] || usage_error "give TARGET MACHINE IMAGE (${#positional[@]} of 3 given); the pairs are: $pairs"
[ ${#positional[@]} -eq 3 ] || usage_error "unexpected argument '${positional[3]}' (QEMU's own arguments go after --)"
target=${positional[0]} machine=${positional[1]} image=${positional[2]}
if [[ ! $target =~ ^[A-Za-z0-9_]+$ || ! $machine =~ ^[A-Za-z0-9_]+$ ]]; then
    usage_error "no flags for '$target' on '$machine'; the pairs are: $pairs"
elif [ ! -f "$folder/$target-$machine.args" ]; then
    usage_error "no flags for '$target' on '$machine' (no $folder/$target-$machine.args); the pairs are: $pairs"
fi
[ -f "$image" ] && [ -r "$image" ] || usage_error "no readable kernel image at '$image'"
if [ "$network" = no ] && [ ${#forwards[@]} -gt 0 ]; then usage_error "-p needs the network; leave out --no-network"; fi

# --- the flags file: the same rules as liu's reader (Sources/Liu/QEMUFlags.swift) --------------
binary="" binary_at="" nic="" nic_at=""
arguments=()
open_files=()

trim() {
    local text=$1
    text=${text#"${text%%[![:space:]]*}"}
    text=${text%"${text##*[![:space:]]}"}
    printf '%s' "$text"
}

# add_value WHERE VALUE: VALUE with its placeholder filled in, appended to arguments.
add_value() {
    case $2 in
        "{memory}") arguments+=("${memory}M") ;;
        "{kernel}") arguments+=("$image") ;;
        "{"*"}") flags_error "$1: unknown placeholder $2 (there are {memory} and {kernel})" ;;
        *) arguments+=("$2") ;;
    esac
}

read_flags() {
    local file=$1 number=0 raw line key value where open
    [ -r "$file" ] || flags_error "$file: cannot be read"
    open_files+=("$file")
    while IFS= read -r raw || [ -n "$raw" ]; do
        number=$((number + 1))
        where="$file:$number"
        line=$(trim "$raw")
        [ -z "$line" ] && continue
        [[ $line == "#"* ]] && continue
        if [[ ! $line =~ ^([A-Za-z]+):([[:space:]].*)?$ ]]; then
            add_value "$where" "$line"
            continue
        fi
        key=${BASH_REMATCH[1]}
        value=$(trim "${BASH_REMATCH[2]}")
        [ -n "$value" ] || flags_error "$where: '$key:' without a value"
        case $key in
            tcg|kvm)
                if [ "$key" = "$accelerator" ]; then
                    add_value "$where" "$value"
                else
                    # Checked all the same, as liu checks every line.
                    case $value in "{memory}"|"{kernel}") ;; "{"*"}") add_value "$where" "$value" ;; esac
                fi ;;
            binary|nic)
                [[ $value =~ [[:space:]] ]] && flags_error "$where: '$key:' takes one word, not '$value'"
                if [ "$key" = binary ]; then
                    [ -z "$binary" ] || flags_error "$where: a second 'binary:' line (the first is $binary_at)"
                    binary=$value binary_at=$where
                else
                    [ -z "$nic" ] || flags_error "$where: a second 'nic:' line (the first is $nic_at)"
                    nic=$value nic_at=$where
                fi ;;
            include)
                case $value in */*|.|..) flags_error "$where: 'include:' names a file of the same folder, not '$value'" ;; esac
                [ -r "$folder/$value" ] || flags_error "$where: cannot include $value: $folder/$value cannot be read"
                for open in "${open_files[@]}"; do
                    [ "$open" != "$folder/$value" ] || flags_error "$where: $value includes itself"
                done
                read_flags "$folder/$value" ;;
            *) flags_error "$where: unknown key '$key:' (the keys are binary:, nic:, include:, tcg: and kvm:)" ;;
        esac
    done < "$file"
    unset 'open_files[${#open_files[@]}-1]'
}

flags_file="$folder/$target-$machine.args"
read_flags "$flags_file"
[ -n "$binary" ] || flags_error "$flags_file: no 'binary:' line (the QEMU program, e.g. binary: qemu-system-x86_64)"
[ -n "$nic" ] || flags_error "$flags_file: no 'nic:' line (the network card, e.g. nic: virtio-net-pci)"

# --- what liu adds after the flags: command line, -no-reboot, network, extras -------------------
if [ "$accelerator" = kvm ] && [ -e /sys/module/kvm_pvm ] && [ "$target" != aarch64 ]; then
    append=$(trim "$append crc32c=software")
fi
[ -z "$append" ] || arguments+=(-append "$append")
[ "$reboot" = yes ] || arguments+=(-no-reboot)
if [ "$network" = yes ]; then
    netdev="user,id=net0"
    for forward in "${forwards[@]+"${forwards[@]}"}"; do netdev="$netdev,$forward"; done
    arguments+=(-netdev "$netdev" -device "$nic,netdev=net0")
fi
arguments+=("${extra[@]+"${extra[@]}"}")

if [ "$print" = yes ]; then
    printf '%s\n' "$binary" "${arguments[@]}"
    exit 0
fi
command -v "$binary" >/dev/null 2>&1 || {
    echo "qemu/boot.sh: $binary not found on PATH: install it (Debian: qemu-system-x86 or qemu-system-arm; scripts/setup.sh does)" >&2
    exit 69
}
exec "$binary" "${arguments[@]}"
