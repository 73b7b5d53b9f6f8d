#!/usr/bin/python3
"""Linux side of the LinuxPeer boot tests: talks to the guest's echo service (TCP port 7) and
prints one JSON object with what happened. Runs inside the test's network namespace.

  echo_client.py stream HOST BYTES SEED   send BYTES pseudo-random bytes on one connection while
                                          reading the echo; SHA-256 of both directions
  echo_client.py connections HOST COUNT [IN_FLIGHT]
                                          open COUNT connections, at most IN_FLIGHT (default 64)
                                          handshakes at a time, one exchange on each, all held
                                          open until every exchange is done
"""
import hashlib
import json
import random
import resource
import selectors
import socket
import subprocess
import sys
import threading
import time

PORT = 7
TIMEOUT = 60.0


def send_stream(sock, total, seed, digest, failures):
    """Sends `total` pseudo-random bytes from `seed`, then half-closes; notes failures."""
    generator, left = random.Random(seed), total
    try:
        while left:
            chunk = generator.randbytes(min(256 * 1024, left))
            digest.update(chunk)
            sock.sendall(chunk)
            left -= len(chunk)
        sock.shutdown(socket.SHUT_WR)
    except OSError as error:
        failures.append(f"send with {left} bytes left: {error}")


def stream(host, total, seed):
    sock = socket.create_connection((host, PORT), timeout=TIMEOUT)
    sent_digest, received_digest = hashlib.sha256(), hashlib.sha256()
    failures = []
    started = time.monotonic()
    sender = threading.Thread(target=send_stream, args=(sock, total, seed, sent_digest, failures))
    sender.start()
    received = 0
    try:
        while data := sock.recv(1 << 20):
            received_digest.update(data)
            received += len(data)
    except OSError as error:
        failures.append(f"receive after {received} bytes: {error}")
    seconds = time.monotonic() - started
    sender.join()
    result = {"sent": total, "received": received, "seconds": seconds, "errors": failures,
              "sent_sha256": sent_digest.hexdigest(), "received_sha256": received_digest.hexdigest()}
    if failures:
        # Linux's view of the stalled connection (windows, retransmissions), for the report.
        result["linux_tcp_state"] = subprocess.run(["ss", "-tin", "dst", host], capture_output=True, text=True).stdout
    sock.close()
    return result


class Exchange:
    """One connection: connect, send a payload unique to it, read it back."""

    def __init__(self, index, host):
        self.payload = f"connection {index:05d} ".encode() * 4
        self.echoed = b""
        self.connected_at = None
        self.failed = False
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self.sock.setblocking(False)
        self.sock.connect_ex((host, PORT))

    @property
    def done(self):
        return len(self.echoed) >= len(self.payload)

    def step(self, selector):
        """Advances on readiness; returns an error text when the connection failed."""
        if self.connected_at is None:
            error = self.sock.getsockopt(socket.SOL_SOCKET, socket.SO_ERROR)
            if error:
                return f"connect: errno {error}"
            self.connected_at = time.monotonic()
            self.sock.send(self.payload)
            selector.modify(self.sock, selectors.EVENT_READ, self)
            return None
        data = self.sock.recv(4096)
        if not data:
            return f"closed after {len(self.echoed)} bytes"
        self.echoed += data
        if self.done:
            selector.unregister(self.sock)
        return None


def connections(host, count, in_flight):
    """Keeps at most `in_flight` connects outstanding: below the guest's listen backlog of 128 no
    SYN is dropped, so the time is the guest's, not Linux's SYN retransmission timer's."""
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if soft < count + 64:
        resource.setrlimit(resource.RLIMIT_NOFILE, (count + 64, max(hard, count + 64)))
    selector = selectors.DefaultSelector()
    started = time.monotonic()
    exchanges, errors = [], []
    deadline = started + 2 * TIMEOUT
    while (selector.get_map() or len(exchanges) < count) and time.monotonic() < deadline:
        connecting = sum(1 for e in exchanges if e.connected_at is None and not e.failed)
        for _ in range(min(in_flight - connecting, count - len(exchanges))):
            exchange = Exchange(len(exchanges), host)
            selector.register(exchange.sock, selectors.EVENT_WRITE, exchange)
            exchanges.append(exchange)
        for key, _ in selector.select(timeout=1.0):
            try:
                error = key.data.step(selector)
            except OSError as exception:
                error = str(exception)
            if error:
                errors.append(error)
                key.data.failed = True
                selector.unregister(key.fileobj)
    finished = time.monotonic()
    connected = [e.connected_at for e in exchanges if e.connected_at is not None]
    correct = sum(1 for e in exchanges if e.echoed == e.payload)
    for exchange in exchanges:
        exchange.sock.close()
    return {"count": count, "connected": len(connected), "echoed": correct, "errors": errors[:10],
            "setup_seconds": (max(connected) - started) if connected else None,
            "total_seconds": finished - started}


def main(arguments):
    if len(arguments) == 4 and arguments[0] == "stream":
        result = stream(arguments[1], int(arguments[2]), int(arguments[3]))
    elif len(arguments) in (3, 4) and arguments[0] == "connections":
        result = connections(arguments[1], int(arguments[2]), int(arguments[3]) if len(arguments) == 4 else 64)
    else:
        sys.exit(__doc__)
    print(json.dumps(result))


if __name__ == "__main__":
    main(sys.argv[1:])
