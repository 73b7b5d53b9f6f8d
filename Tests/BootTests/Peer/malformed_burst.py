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
import struct
import sys
import time

from frames import (ACK, ECHO_PORT, ETH_P_ARP, FIN, PEER_IP_SUFFIX, PROTO_ICMP, PROTO_TCP, PROTO_UDP, PSH, RST, SYN,
                    URG, Link, UserSpaceConnection, arp, checksum, ipv4, mac_bytes, pseudo_header, tcp)


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
