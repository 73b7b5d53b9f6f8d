#!/usr/bin/python3
"""A lossy, reordering Ethernet link in user space, for hosts whose kernel has no netem: carries
frames between a tap device and a QEMU `-netdev dgram` socket on 127.0.0.1, in both directions
dropping LOSS percent of them and delaying REORDER percent until after the next frame (or 20 ms).

  impaired_link.py TAP QEMU_PORT LINK_PORT LOSS REORDER SEED SECONDS

Runs inside the test's network namespace and stops by itself after SECONDS. Prints counts of
frames carried, dropped and reordered per direction on exit (SIGTERM included).
"""
import fcntl
import json
import os
import random
import select
import signal
import socket
import struct
import sys
import time

TUNSETIFF, IFF_TAP, IFF_NO_PI = 0x400454CA, 0x0002, 0x1000
HOLD_SECONDS = 0.02


class Direction:
    """One way through the link, holding at most one frame back to reorder it."""

    def __init__(self, deliver, loss, reorder, generator):
        self.deliver, self.loss, self.reorder, self.generator = deliver, loss, reorder, generator
        self.held, self.held_since = None, 0.0
        self.counts = {"carried": 0, "dropped": 0, "reordered": 0}

    def push(self, frame):
        roll = self.generator.random() * 100
        if roll < self.loss:
            self.counts["dropped"] += 1
            return
        if self.held is None and roll < self.loss + self.reorder:
            self.held, self.held_since = frame, time.monotonic()
            self.counts["reordered"] += 1
            return
        self.send(frame)
        self.release()

    def release(self, older_than=0.0):
        if self.held is not None and time.monotonic() - self.held_since >= older_than:
            frame, self.held = self.held, None
            self.send(frame)

    def send(self, frame):
        self.counts["carried"] += 1
        self.deliver(frame)


def open_tap(name):
    descriptor = os.open("/dev/net/tun", os.O_RDWR)
    fcntl.ioctl(descriptor, TUNSETIFF, struct.pack("16sH", name.encode(), IFF_TAP | IFF_NO_PI))
    return descriptor


def main(arguments):
    if len(arguments) != 7:
        sys.exit(__doc__)
    tap_name, qemu_port, link_port = arguments[0], int(arguments[1]), int(arguments[2])
    loss, reorder, seed, seconds = float(arguments[3]), float(arguments[4]), int(arguments[5]), float(arguments[6])
    tap = open_tap(tap_name)
    link = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    link.bind(("127.0.0.1", link_port))
    qemu = ("127.0.0.1", qemu_port)
    generator = random.Random(seed)
    to_guest = Direction(lambda frame: link.sendto(frame, qemu), loss, reorder, generator)
    to_linux = Direction(lambda frame: os.write(tap, frame), loss, reorder, generator)
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    # A parent thread may have SIGTERM blocked, and a blocked mask survives exec.
    signal.pthread_sigmask(signal.SIG_UNBLOCK, [signal.SIGTERM])
    deadline = time.monotonic() + seconds
    print("ready", flush=True)
    try:
        while time.monotonic() < deadline:
            readable, _, _ = select.select([tap, link], [], [], HOLD_SECONDS)
            if tap in readable:
                to_guest.push(os.read(tap, 65536))
            if link in readable:
                to_linux.push(link.recv(65536))
            for direction in (to_guest, to_linux):
                direction.release(older_than=HOLD_SECONDS)
    finally:
        print(json.dumps({"to_guest": to_guest.counts, "to_linux": to_linux.counts}), flush=True)


if __name__ == "__main__":
    main(sys.argv[1:])
