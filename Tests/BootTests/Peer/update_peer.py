#!/usr/bin/python3
"""Linux side of the live-update tests against the echo service (TCP port 7), run inside the
test's network namespace. Prints one JSON object.

  update_peer.py stream HOST BYTES IMAGE AFTER
      streams BYTES pseudo-random bytes to the echo and reads them back; once AFTER bytes came
      back, pushes IMAGE to the update listener (port 666). Reports both SHA-256 digests, the
      longest pause between received chunks, and Linux's retransmission counters
      (RetransSegs, TCPTimeouts) for the namespace over the transfer.
  update_peer.py hold HOST COUNT IMAGE
      opens COUNT connections (64 handshakes at a time) with one exchange each, pushes IMAGE,
      then exchanges once more on every connection and reports how many still work.
"""
import hashlib
import json
import resource
import socket
import struct
import sys
import threading
import time

from echo_client import send_stream

ECHO_PORT, UPDATE_PORT, TIMEOUT = 7, 666, 60.0


def counters():
    """Namespace-wide TCP counters from /proc/net/snmp and /proc/net/netstat."""
    values = {}
    for path in ("/proc/net/snmp", "/proc/net/netstat"):
        lines = open(path).read().splitlines()
        for header, row in zip(lines[0::2], lines[1::2]):
            names, numbers = header.split()[1:], row.split()[1:]
            prefix = header.split(":")[0]
            values.update({f"{prefix}.{n}": int(v) for n, v in zip(names, numbers)})
    return {"retransmitted_segments": values.get("Tcp.RetransSegs", 0),
            "timeouts": values.get("TcpExt.TCPTimeouts", 0)}


def push(host, image):
    """Sends the image (8-byte little-endian length first); returns the answer lines."""
    data = open(image, "rb").read()
    sock = socket.create_connection((host, UPDATE_PORT), timeout=TIMEOUT)
    sock.sendall(struct.pack("<Q", len(data)) + data)
    answer = b""
    while not answer.endswith(b"\n"):
        chunk = sock.recv(4096)
        if not chunk:
            break
        answer += chunk
    lines = [answer.decode().strip()]
    # The new kernel keeps this connection and gives its verdict, "confirmed LABEL downtime-ns ..."
    # (or the old one "abandoned: ...").
    sock.settimeout(10)
    try:
        rest = sock.recv(4096).decode().strip()
        if rest:
            lines.append(rest)
    except OSError as error:
        lines.append(f"error: {error}")
    sock.close()
    return lines


def stream(host, total, image, after):
    before = counters()
    sock = socket.create_connection((host, ECHO_PORT), timeout=TIMEOUT)
    sent_digest, received_digest = hashlib.sha256(), hashlib.sha256()
    failures, pushed = [], {}

    def update():
        started = time.monotonic()
        pushed["answer"] = push(host, image)
        pushed["seconds"] = time.monotonic() - started

    sender = threading.Thread(target=send_stream, args=(sock, total, 7, sent_digest, failures))
    sender.start()
    updater = threading.Thread(target=update)
    received, longest, last = 0, 0.0, time.monotonic()
    started = last
    try:
        while data := sock.recv(1 << 20):
            now = time.monotonic()
            longest, last = max(longest, now - last), now
            received_digest.update(data)
            received += len(data)
            if received >= after and not updater.is_alive() and not pushed:
                updater.start()
    except OSError as error:
        failures.append(f"receive after {received} bytes: {error}")
    seconds = time.monotonic() - started
    sender.join()
    if updater.is_alive() or pushed:
        updater.join()
    after_counters = counters()
    sock.close()
    return {"sent": total, "received": received, "seconds": seconds, "errors": failures,
            "sent_sha256": sent_digest.hexdigest(), "received_sha256": received_digest.hexdigest(),
            "longest_gap_ms": longest * 1000, "push": pushed,
            "retransmitted_segments": after_counters["retransmitted_segments"] - before["retransmitted_segments"],
            "timeouts": after_counters["timeouts"] - before["timeouts"]}


def exchange_all(socks, tag):
    """One exchange on every connection, all sent first; returns how many came back intact."""
    payloads = [f"{tag}:{index}\n".encode() for index in range(len(socks))]
    alive = []
    for sock, payload in zip(socks, payloads):
        try:
            sock.sendall(payload)
            alive.append(True)
        except OSError:
            alive.append(False)
    good = 0
    for sock, payload, ok in zip(socks, payloads, alive):
        if not ok:
            continue
        data = b""
        try:
            while len(data) < len(payload):
                chunk = sock.recv(len(payload) - len(data))
                if not chunk:
                    break
                data += chunk
        except OSError:
            continue
        good += data == payload
    return good


def hold(host, count, image):
    resource.setrlimit(resource.RLIMIT_NOFILE, (count + 256, count + 256))
    socks, started = [], time.monotonic()
    for index in range(count):
        sock = socket.create_connection((host, ECHO_PORT), timeout=TIMEOUT)
        socks.append(sock)
        if index % 64 == 63:
            exchange_all(socks[-64:], "open")
    exchange_all(socks[len(socks) - len(socks) % 64:], "open")
    opened = time.monotonic() - started
    answer = push(host, image)
    survived = exchange_all(socks, "after")
    for sock in socks:
        sock.close()
    return {"opened": len(socks), "open_seconds": opened, "push": answer, "survived": survived}


def main(arguments):
    if arguments[0] == "stream":
        result = stream(arguments[1], int(arguments[2]), arguments[3], int(arguments[4]))
    else:
        result = hold(arguments[1], int(arguments[2]), arguments[3])
    print(json.dumps(result))


if __name__ == "__main__":
    main(sys.argv[1:])
