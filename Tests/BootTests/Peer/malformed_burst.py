#!/usr/bin/python3
"""Bad input for the guest, written as raw Ethernet frames on the tap device (AF_PACKET), inside
the test's network namespace:

  malformed_burst.py INTERFACE HOST_IP GUEST_IP GUEST_MAC

Sends truncated and inconsistent Ethernet/ARP/IPv4/ICMP/UDP/TCP headers, bad checksums, bogus
TCP options and flag combinations, IP fragments, overlapping TCP segments on a live connection
(driven from here in user space, from an address Linux does not own) and a SYN flood from random
addresses and ports. Prints one JSON object: frames sent per kind, and whether the overlapping
segments were echoed as the one consistent stream they carry.
"""
import json
import random
import socket
import struct
import sys
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


def udp(source, destination, sport, dport, payload, *, length=None, datagram_checksum=None):
    stated = 8 + len(payload) if length is None else length
    datagram = struct.pack("!HHHH", sport, dport, stated, 0) + payload
    value = checksum(pseudo_header(source, destination, PROTO_UDP, len(datagram)) + datagram)
    value = value if datagram_checksum is None else datagram_checksum
    return datagram[:6] + struct.pack("!H", value) + datagram[8:]


def icmp_echo(payload, *, icmp_type=8, icmp_checksum=None):
    message = struct.pack("!BBHHH", icmp_type, 0, 0, 0x4C49, 1) + payload
    value = checksum(message) if icmp_checksum is None else icmp_checksum
    return message[:2] + struct.pack("!H", value) + message[4:]


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


def send_malformed(link, host, guest):
    """Every kind of broken header, each a few times with different details."""
    ping = icmp_echo(b"liu" * 10)
    # Linux sends nothing shorter than an Ethernet header: a bare header is the shortest frame.
    for payload in (b"", b"\x45", b"\x00\x01"):
        link.send("bare ethernet header", payload)
        link.send("bare ethernet header", payload, ETH_P_ARP)
    link.send("unknown ethertype", b"\0" * 46, ethertype=0x1234)
    link.send("ipv6 ethertype", b"\x60" + b"\0" * 45, ethertype=0x86DD)

    link.send("truncated arp", arp(1, link.mac, host, b"\0" * 6, guest)[:20], ETH_P_ARP)
    link.send("arp bad lengths", arp(1, link.mac, host, b"\0" * 6, guest, hardware_length=0), ETH_P_ARP)
    link.send("arp bad lengths", arp(1, link.mac, host, b"\0" * 6, guest, protocol_length=9), ETH_P_ARP)
    link.send("arp bad operation", arp(9, link.mac, host, b"\0" * 6, guest), ETH_P_ARP)

    packet = ipv4(host, guest, PROTO_ICMP, ping)
    for length in (0, 1, 10, 19):
        link.send("truncated ip", packet[:length])
    link.send("ip version 6", ipv4(host, guest, PROTO_ICMP, ping, version=6))
    for ihl in (0, 1, 4, 15):
        link.send("bad ip header length", ipv4(host, guest, PROTO_ICMP, ping, ihl=ihl))
    for total in (0, 19, 21, len(packet) + 1, 65535):
        link.send("bad ip total length", ipv4(host, guest, PROTO_ICMP, ping, total_length=total))
    link.send("bad ip checksum", ipv4(host, guest, PROTO_ICMP, ping, header_checksum=0x1234))
    link.send("unknown ip protocol", ipv4(host, guest, 253, b"x" * 20))
    for source in ("0.0.0.0", "127.0.0.1", "255.255.255.255", "224.0.0.1", guest):
        link.send("martian source", ipv4(source, guest, PROTO_ICMP, ping))
    link.send("not for the guest", ipv4(host, "10.77.0.99", PROTO_ICMP, ping))
    link.send("ip options", ipv4(host, guest, PROTO_ICMP, ping, ihl=6, options=b"\x01\x01\x01\x00"))

    more_fragments = 0x2000
    link.send("fragment", ipv4(host, guest, PROTO_ICMP, ping[:16], flags_fragment=more_fragments))
    link.send("fragment", ipv4(host, guest, PROTO_ICMP, ping[16:], flags_fragment=2))
    link.send("fragment", ipv4(host, guest, PROTO_UDP, b"\0" * 8, flags_fragment=more_fragments | 1))
    link.send("fragment", ipv4(host, guest, PROTO_TCP, b"\0" * 24, flags_fragment=8191))

    for length in (0, 4, 7):
        link.send("truncated icmp", ipv4(host, guest, PROTO_ICMP, ping[:length]))
    link.send("bad icmp checksum", ipv4(host, guest, PROTO_ICMP, icmp_echo(b"x", icmp_checksum=0x1234)))
    link.send("unknown icmp type", ipv4(host, guest, PROTO_ICMP, icmp_echo(b"x", icmp_type=42)))
    link.send("large icmp echo", ipv4(host, guest, PROTO_ICMP, icmp_echo(b"x" * 1472)))

    for length in (0, 7):
        link.send("bad udp length", ipv4(host, guest, PROTO_UDP, udp(host, guest, 4000, ECHO_PORT, b"hello", length=length)))
    link.send("bad udp length", ipv4(host, guest, PROTO_UDP, udp(host, guest, 4000, ECHO_PORT, b"hello", length=200)))
    link.send("truncated udp", ipv4(host, guest, PROTO_UDP, b"\0\1\0"))
    link.send("bad udp checksum", ipv4(host, guest, PROTO_UDP, udp(host, guest, 4000, ECHO_PORT, b"x", datagram_checksum=0x1234)))

    def segment(flags=SYN, **fields):
        sport = random.randrange(20000, 30000)
        return ipv4(host, guest, PROTO_TCP, tcp(host, guest, sport, ECHO_PORT, random.getrandbits(32), 0, flags, **fields))

    for length in (0, 8, 19):
        link.send("truncated tcp", segment()[:20 + length])
    for offset in (0, 4, 6, 15):
        link.send("bad tcp data offset", segment(data_offset=offset))
    link.send("bad tcp checksum", segment(segment_checksum=0x1234))
    for options in (b"\x02\x00\x00\x00", b"\x02\x01\x00\x00", b"\x02\x08\x05\xb4", b"\x02\x03\x05\x00",
                    b"\x03\x03\xc8\x00", b"\x04\x05\x00\x00", b"\x63\xff\x00\x00", b"\x00\x02\x04\x05",
                    b"\x01" * 39 + b"\x08"):
        padded = options + b"\0" * (-len(options) % 4)
        link.send("bogus tcp options", segment(options=padded))
    for flags in (SYN | FIN, SYN | RST, 0xFF, 0, FIN, URG | PSH | FIN, ACK, RST):
        link.send("odd tcp flags", segment(flags))
    link.send("tcp to a closed port", ipv4(host, guest, PROTO_TCP, tcp(host, guest, 5000, 9, 1, 0, SYN)))


class UserSpaceConnection:
    """A TCP connection to the echo port from `peer`, driven frame by frame."""

    def __init__(self, link, peer, guest):
        self.link, self.peer, self.guest = link, peer, guest
        self.port = random.randrange(40000, 50000)
        self.iss = random.getrandbits(32)
        self.send_next = 1  # our next sequence number after the handshake, as an offset from iss
        self.echoed = {}
        self.guest_next = None
        self.guest_fin = False

    def send(self, kind, seq_offset, flags, payload=b""):
        segment = tcp(self.peer, self.guest, self.port, ECHO_PORT, self.iss + seq_offset,
                      self.guest_next or 0, flags, payload)
        self.link.send(kind, ipv4(self.peer, self.guest, PROTO_TCP, segment))

    def pump(self, timeout, until):
        """Answers ARP for the peer address and takes in the guest's segments until `until()`."""
        for frame in self.link.frames(timeout):
            ethertype = struct.unpack("!H", frame[12:14])[0]
            if ethertype == ETH_P_ARP and frame[21] == 1 and frame[38:42] == ip_bytes(self.peer):
                reply = arp(2, self.link.mac, self.peer, frame[22:28], socket.inet_ntoa(frame[28:32]))
                self.link.sock.send(frame[6:12] + self.link.mac + struct.pack("!H", ETH_P_ARP) + reply)
            elif ethertype == ETH_P_IP and frame[23] == PROTO_TCP and frame[30:34] == ip_bytes(self.peer):
                self.take(frame[14:])
            if until():
                return True
        return until()

    def take(self, packet):
        ihl = (packet[0] & 0x0F) * 4
        total = struct.unpack("!H", packet[2:4])[0]
        segment = packet[ihl:total]
        dport, seq, _ack, offset, flags = struct.unpack("!2xHIIBB", segment[:14])
        if dport != self.port:
            return
        payload = segment[(offset >> 4) * 4:]
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
        if payload or flags & FIN:
            self.send("overlap acks", self.send_next, ACK)

    def echoed_stream(self, length):
        data = bytearray(length)
        for start, chunk in self.echoed.items():
            data[start:start + len(chunk)] = chunk[:max(0, length - start)]
        return bytes(data[:length])


def overlapping_segments(link, host, guest):
    """Sends one stream as overlapping, duplicated and reordered pieces (each piece carries the
    stream's own bytes), then FIN; the guest must echo exactly the stream and close."""
    subnet = host.rsplit(".", 1)[0]
    connection = UserSpaceConnection(link, f"{subnet}.{PEER_IP_SUFFIX}", guest)
    stream = random.Random(5).randbytes(4000)
    connection.send("overlap handshake", 0, SYN)
    if not connection.pump(3.0, lambda: connection.guest_next is not None):
        return {"overlap_error": "no SYN-ACK from the guest"}
    connection.send("overlap handshake", 1, ACK)
    pieces = [(0, 1000), (500, 1000), (2500, 500), (2000, 1000), (1200, 300), (1400, 800), (100, 50),
              (3000, 700), (3500, 500)]
    for start, length in pieces:
        connection.send("overlapping segments", 1 + start, ACK | PSH, stream[start:start + length])
    connection.send("segment beyond the window", 10_000_000, ACK | PSH, b"x" * 100)
    connection.send("overlapping segments", 1 + len(stream), ACK | FIN)
    connection.send_next = 2 + len(stream)
    done = connection.pump(5.0, lambda: connection.guest_fin)
    echoed = connection.echoed_stream(len(stream))
    return {"overlap_closed": done, "overlap_echo_ok": echoed == stream,
            "overlap_echoed_bytes": (connection.guest_next - connection.guest_iss - 2) & 0xFFFFFFFF if done else None}


def syn_flood(link, guest, count):
    """SYNs to the echo port from random ports on random addresses, on the subnet (the guest's
    ARP requests stay unanswered) and beyond it (its replies go to Linux, which drops them)."""
    for index in range(count):
        source = f"10.77.0.{random.randrange(100, 250)}" if index % 2 else \
            f"198.18.{random.randrange(256)}.{random.randrange(1, 255)}"
        segment = tcp(source, guest, random.randrange(1024, 65536), ECHO_PORT, random.getrandbits(32), 0, SYN,
                      options=b"\x02\x04\x05\xb4")
        link.send("syn flood", ipv4(source, guest, PROTO_TCP, segment))


def main(arguments):
    if len(arguments) != 4:
        sys.exit(__doc__)
    interface, host, guest, guest_mac = arguments
    random.seed(862)
    link = Link(interface, mac_bytes(guest_mac))
    started = time.monotonic()
    send_malformed(link, host, guest)
    result = overlapping_segments(link, host, guest)
    syn_flood(link, guest, 3000)
    result.update(sent=link.sent, seconds=time.monotonic() - started)
    print(json.dumps(result))


if __name__ == "__main__":
    main(sys.argv[1:])
