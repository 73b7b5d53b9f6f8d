#!/usr/bin/python3
"""Raw frames for the Linux-peer tests: IPv4/TCP/ARP builders, the tap device seen through an
AF_PACKET socket, and TCP connections to the guest driven frame by frame from user space, from
an address Linux does not own (so Linux neither answers for it nor resets its connections).
"""
import random
import socket
import struct
import time

ETH_P_ALL, ETH_P_IP, ETH_P_ARP = 0x0003, 0x0800, 0x0806
PROTO_ICMP, PROTO_TCP, PROTO_UDP = 1, 6, 17
FIN, SYN, RST, PSH, ACK, URG = 0x01, 0x02, 0x04, 0x08, 0x10, 0x20
ECHO_PORT = 7
# The user-space TCP peer: an address on the tap's subnet that Linux does not own, so Linux
# neither answers for it nor resets its connection; this script answers its ARP requests.
PEER_IP_SUFFIX = 50

def checksum(data):
    if len(data) % 2:
        data += b"\0"
    total = sum(struct.unpack(f"!{len(data) // 2}H", data))
    while total >> 16:
        total = (total & 0xFFFF) + (total >> 16)
    return ~total & 0xFFFF


def ip_bytes(text):
    return socket.inet_aton(text)


def mac_bytes(text):
    return bytes.fromhex(text.replace(":", ""))


def ipv4(source, destination, protocol, payload, *, ihl=5, total_length=None, flags_fragment=0,
         header_checksum=None, options=b"", version=4):
    length = 20 + len(options) + len(payload) if total_length is None else total_length
    header = struct.pack("!BBHHHBBH4s4s", (version << 4) | ihl, 0, length, random.getrandbits(16), flags_fragment,
                         64, protocol, 0, ip_bytes(source), ip_bytes(destination)) + options
    value = checksum(header) if header_checksum is None else header_checksum
    return header[:10] + struct.pack("!H", value) + header[12:] + payload


def pseudo_header(source, destination, protocol, length):
    return ip_bytes(source) + ip_bytes(destination) + struct.pack("!BBH", 0, protocol, length)


def tcp(source, destination, sport, dport, seq, ack, flags, payload=b"", *, options=b"", window=65535,
        data_offset=None, segment_checksum=None):
    offset = (20 + len(options)) // 4 if data_offset is None else data_offset
    header = struct.pack("!HHIIBBHHH", sport, dport, seq & 0xFFFFFFFF, ack & 0xFFFFFFFF, offset << 4, flags,
                         window, 0, 0) + options
    segment = header + payload
    value = checksum(pseudo_header(source, destination, PROTO_TCP, len(segment)) + segment)
    value = value if segment_checksum is None else segment_checksum
    return segment[:16] + struct.pack("!H", value) + segment[18:]


def arp(operation, sender_mac, sender_ip, target_mac, target_ip, *, hardware_length=6, protocol_length=4):
    return struct.pack("!HHBBH", 1, ETH_P_IP, hardware_length, protocol_length, operation) + \
        sender_mac + ip_bytes(sender_ip) + target_mac + ip_bytes(target_ip)


class Link:
    """The tap device seen from the namespace: frames out to the guest, frames from it."""

    def __init__(self, interface, guest_mac):
        self.sock = socket.socket(socket.AF_PACKET, socket.SOCK_RAW, socket.htons(ETH_P_ALL))
        self.sock.bind((interface, 0))
        self.mac = mac_bytes(open(f"/sys/class/net/{interface}/address").read().strip())
        self.guest_mac = guest_mac
        self.sent = {}

    def send(self, kind, payload, ethertype=ETH_P_IP, *, raw=False):
        frame = payload if raw else self.guest_mac + self.mac + struct.pack("!H", ethertype) + payload
        self.sock.send(frame)
        self.sent[kind] = self.sent.get(kind, 0) + 1

    def frames(self, seconds):
        """Frames from the guest during the next `seconds`."""
        deadline = time.monotonic() + seconds
        while (left := deadline - time.monotonic()) > 0:
            self.sock.settimeout(left)
            try:
                frame, address = self.sock.recvfrom(65535)
            except socket.timeout:
                return
            if address[2] != socket.PACKET_OUTGOING:
                yield frame


class UserSpaceConnection:
    """A TCP connection to `guest_port` from `peer`, driven frame by frame. Tracks what the guest
    sent: its sequence numbers, the data (by stream offset), its FIN, the highest ACK and RSTs.
    With `auto_ack`, data and FIN from the guest are acknowledged as they arrive."""

    def __init__(self, link, peer, guest, guest_port=ECHO_PORT, auto_ack=True):
        self.link, self.peer, self.guest, self.guest_port = link, peer, guest, guest_port
        self.auto_ack = auto_ack
        self.port = random.randrange(40000, 50000)
        self.iss = random.getrandbits(32)
        self.send_next = 1  # our next sequence number after the handshake, as an offset from iss
        self.echoed = {}
        self.guest_iss = None
        self.guest_next = None
        self.guest_fin = False
        self.acked = None   # the guest's highest ACK, as an offset from our iss
        self.segments = 0   # segments taken from the guest
        self.resets = 0

    def send(self, kind, seq_offset, flags, payload=b""):
        segment = tcp(self.peer, self.guest, self.port, self.guest_port, self.iss + seq_offset,
                      self.guest_next or 0, flags, payload)
        self.link.send(kind, ipv4(self.peer, self.guest, PROTO_TCP, segment))

    def pump(self, timeout, until):
        return pump(self.link, [self], timeout, until)

    def take(self, segment):
        seq, ack, offset, flags = struct.unpack("!4xIIBB", segment[:14])
        payload = segment[(offset >> 4) * 4:]
        self.segments += 1
        if flags & RST:
            self.resets += 1
            return
        if flags & ACK:
            self.acked = (ack - self.iss) & 0xFFFFFFFF
        if flags & SYN:
            self.guest_iss = seq
            self.guest_next = seq + 1
            return
        if self.guest_next is None:
            return
        if payload:
            self.echoed[(seq - self.guest_iss - 1) & 0xFFFFFFFF] = payload
        while True:
            position = (self.guest_next - self.guest_iss - 1) & 0xFFFFFFFF
            chunk = next((data[position - start:] for start, data in self.echoed.items()
                          if start <= position < start + len(data)), None)
            if not chunk:
                break
            self.guest_next += len(chunk)
        if flags & FIN and (seq + len(payload)) & 0xFFFFFFFF == self.guest_next & 0xFFFFFFFF:
            self.guest_next += 1
            self.guest_fin = True
        if self.auto_ack and (payload or flags & FIN):
            self.send("acks", self.send_next, ACK)

    def echoed_stream(self, length):
        data = bytearray(length)
        for start, chunk in self.echoed.items():
            data[start:start + len(chunk)] = chunk[:max(0, length - start)]
        return bytes(data[:length])


def pump(link, connections, timeout, until):
    """Answers ARP for the connections' address and hands the guest's segments to the connection
    they are for, until `until()` holds or `timeout` seconds pass; returns `until()`."""
    by_port = {connection.port: connection for connection in connections}
    peer = connections[0].peer
    for frame in link.frames(timeout):
        ethertype = struct.unpack("!H", frame[12:14])[0]
        if ethertype == ETH_P_ARP and frame[21] == 1 and frame[38:42] == ip_bytes(peer):
            reply = arp(2, link.mac, peer, frame[22:28], socket.inet_ntoa(frame[28:32]))
            link.sock.send(frame[6:12] + link.mac + struct.pack("!H", ETH_P_ARP) + reply)
        elif ethertype == ETH_P_IP and frame[23] == PROTO_TCP and frame[30:34] == ip_bytes(peer):
            packet = frame[14:]
            segment = packet[(packet[0] & 0x0F) * 4:struct.unpack("!H", packet[2:4])[0]]
            connection = by_port.get(struct.unpack("!H", segment[2:4])[0])
            if connection:
                connection.take(segment)
        if until():
            return True
    return until()
