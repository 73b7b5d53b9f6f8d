#!/usr/bin/env bash
# The demo: builds the kernel images, then on x86_64 and aarch64 boots the counter service,
# serves requests and live-updates it twice over TCP (to a build labelled 2 and back), the
# counter, boot count and uptime carrying on and each kernel reporting its downtime; then a
# build whose resume fails is pushed and the service comes back on the known-good image.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
swift build -c release --product liu
.build/release/liu build
.build/release/liu demo --target x86_64
.build/release/liu demo --target aarch64
