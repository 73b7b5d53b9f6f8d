#!/usr/bin/python3
"""Connections that are opening or closing while the guest is live-updated, driven frame by
frame from user space on the tap device (frames.py), inside the test's network namespace:

  update_states.py INTERFACE GUEST_IP GUEST_MAC IMAGE

Before the update the guest holds one connection in each of these states:
  syn-received  a SYN to the echo port whose SYN-ACK we leave unacknowledged;
  fin-wait-1    the update port refused an empty image and closed; its FIN unacknowledged;
  fin-wait-2    the same, its FIN acknowledged;
  time-wait     the same, and our FIN acknowledged by the guest.
Then IMAGE is pushed from Linux's own TCP (update_peer.push), and each must complete:
  syn-received  our ACK completes the handshake and data sent on it comes back;
  fin-wait-1    the new kernel retransmits the refusal and FIN; we ACK them and send our FIN,
                which it acknowledges;
  fin-wait-2    our FIN is acknowledged;
  time-wait     a retransmission of our FIN is acknowledged again.
None may be reset. Prints one JSON object: the push answer and, per state, "ok" with details.
"""
import json
import struct
import sys
import threading

from frames import ACK, ECHO_PORT, FIN, PEER_IP_SUFFIX, PSH, SYN, Link, UserSpaceConnection, mac_bytes, pump
from update_peer import UPDATE_PORT, push

EMPTY_IMAGE = struct.pack("<Q", 0)
REFUSAL = b"refused: empty image\n"
AFTER_UPDATE = b"sent after the update"


class SetupFailed(Exception):
    pass


def opened(link, peer, guest, port, auto_ack=True):
    """A connection whose SYN the guest answered (SYN-RECEIVED at the guest)."""
    connection = UserSpaceConnection(link, peer, guest, port, auto_ack)
    connection.send("handshake", 0, SYN)
    if not connection.pump(3.0, lambda: connection.guest_next is not None):
        raise SetupFailed(f"no SYN-ACK on port {port}")
    return connection


def refused(link, peer, guest, auto_ack):
    """A connection to the update port after the guest refused an empty image and closed."""
    connection = opened(link, peer, guest, UPDATE_PORT, auto_ack)
    connection.send("handshake", 1, ACK)
    connection.send("empty image", 1, ACK | PSH, EMPTY_IMAGE)
    connection.send_next = 1 + len(EMPTY_IMAGE)
    if not connection.pump(5.0, lambda: connection.guest_fin):
        raise SetupFailed(f"the update port did not refuse and close: {connection.echoed_stream(64)!r}")
    return connection


def send_fin(connection, kind):
    """Sends our FIN (again, for a retransmission) and waits for a new ACK of it."""
    fin = connection.send_next
    seen = connection.segments
    connection.send(kind, fin, FIN | ACK)
    return connection.pump(5.0, lambda: connection.segments > seen and connection.acked == fin + 1)


def before_update(link, peer, guest):
    states = {"syn-received": opened(link, peer, guest, ECHO_PORT),
              "fin-wait-1": refused(link, peer, guest, auto_ack=False),
              "fin-wait-2": refused(link, peer, guest, auto_ack=True),
              "time-wait": refused(link, peer, guest, auto_ack=True)}
    if not send_fin(states["time-wait"], "fin"):
        raise SetupFailed("our FIN was not acknowledged before the update")
    return states


def after_update(states):
    """Completes each connection; returns its outcome."""
    outcome = {}
    syn_received = states["syn-received"]
    syn_received.send("handshake", 1, ACK)
    syn_received.send("data", 1, ACK | PSH, AFTER_UPDATE)
    syn_received.send_next = 1 + len(AFTER_UPDATE)
    echoed = syn_received.pump(5.0, lambda: syn_received.echoed_stream(len(AFTER_UPDATE)) == AFTER_UPDATE)
    outcome["syn-received"] = {"ok": echoed, "echoed": syn_received.echoed_stream(len(AFTER_UPDATE)).decode(errors="replace")}

    fin_wait_1 = states["fin-wait-1"]
    seen = fin_wait_1.segments
    retransmitted = fin_wait_1.pump(20.0, lambda: fin_wait_1.segments > seen)
    fin_wait_1.send("ack", fin_wait_1.send_next, ACK)
    outcome["fin-wait-1"] = {"ok": retransmitted and send_fin(fin_wait_1, "fin"), "retransmitted": retransmitted}

    outcome["fin-wait-2"] = {"ok": send_fin(states["fin-wait-2"], "fin")}
    outcome["time-wait"] = {"ok": send_fin(states["time-wait"], "fin again")}

    for name, connection in states.items():
        outcome[name]["resets"] = connection.resets
        outcome[name]["ok"] = outcome[name]["ok"] and connection.resets == 0
        if name != "syn-received":
            outcome[name]["refusal_intact"] = connection.echoed_stream(len(REFUSAL)) == REFUSAL
    return outcome


def main(arguments):
    if len(arguments) != 4:
        sys.exit(__doc__)
    interface, guest, guest_mac, image = arguments
    link = Link(interface, mac_bytes(guest_mac))
    peer = f"{guest.rsplit('.', 1)[0]}.{PEER_IP_SUFFIX}"
    try:
        states = before_update(link, peer, guest)
    except SetupFailed as error:
        print(json.dumps({"error": str(error)}))
        return
    answer = {}
    pusher = threading.Thread(target=lambda: answer.update(lines=push(guest, image)))
    pusher.start()
    # Keeps answering ARP and taking segments while the image goes over and the guest swaps.
    pump(link, list(states.values()), 120.0, lambda: not pusher.is_alive())
    pusher.join()
    print(json.dumps({"push": answer.get("lines"), "states": after_update(states)}))


if __name__ == "__main__":
    main(sys.argv[1:])
