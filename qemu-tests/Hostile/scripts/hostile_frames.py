#!/usr/bin/python3
"""Seeded hostile-frame generator and sender for the netdiag app (netstack issue point 7).

Run with Debian's /usr/bin/python3 (python3-scapy) as root inside the test's network namespace:

    hostile_frames.py --iface BR --app-mac M --app-ip A --host-ip H --gateway-ip G --server-ip S \
        [--dhcp-pcap FILE] [--seed N] [--count N] [--batch N] [--dump-pcap FILE]

Frames are generated from one random.Random(seed), so the same parameters give the same frames
(the script prints a SHA-256 over all of them). They go out on --iface with AF_PACKET in batches;
after each batch an ICMP echo request from the host's kernel must be answered before the next
batch is sent. The sync ping keeps the app's receive ring from overflowing (so the frames are
really processed, not dropped by QEMU or the tap) and tells which batch a failure followed.
ICMP is used for the sync, not UDP echo, because ICMP replies go back to the frame's source MAC
with no ARP lookup, while a UDP echo to a spoofed on-link source waits at the head of the
socket's queue for ARP resolution (docs/netstack.md, "What the stack deliberately does not do").

What is never forged: ARP for the host's own address (--host-ip). That would poison the app's
ARP entry for the host, which ARP cannot prevent, and the test's final UDP echo check would then
measure ARP ageing rather than robustness. Everything else is fair game, including ARP claiming
the app's own address and ARP replies for the gateway.

Output: one "HOSTILE key=value ..." summary line at the end; exit 0 when every sync was answered,
2 when the app stopped answering (the failing batch is written to --dump-pcap if given).
"""

import argparse
import hashlib
import os
import random
import select
import socket
import struct
import sys
import time

from scapy.all import (ARP, BOOTP, DHCP, Ether, ICMP, IP, IPOption, UDP, Dot1Q, IPv6, LLC, SNAP,
                       conf, wrpcap)
from scapy.contrib.igmp import IGMP

conf.verb = 0

CATEGORIES = [
    # (name, weight)
    ("truncated", 12),
    ("lying-length", 14),
    ("bad-checksum", 10),
    ("ip-options", 8),
    ("fragment", 8),
    ("oversized", 4),
    ("random-bytes", 10),
    ("bit-flips", 12),
    ("arp-spoof", 6),
    ("arp-malformed", 4),
    ("dhcp-forged", 6),
    ("dhcp-malformed", 4),
    ("odd-ethertype", 4),
    ("icmp-odd", 4),
]

BROADCAST = "ff:ff:ff:ff:ff:ff"


def with_raw_ip_options(frame, options):
    """Splices raw option bytes (valid or not) into a frame's IPv4 header, fixing IHL, length, checksum.
    Built by hand because scapy refuses to dissect malformed options."""
    ip = bytearray(frame[14:34])
    ip[0] = 0x40 | ((20 + len(options)) // 4)
    ip[2:4] = struct.pack("!H", len(frame) - 14 + len(options))
    ip[10:12] = b"\0\0"
    header = bytes(ip) + options
    header = header[:10] + struct.pack("!H", ip_checksum(header)) + header[12:]
    return frame[:14] + header + frame[34:]


def ip_checksum(header):
    if len(header) % 2:
        header += b"\0"
    total = sum(struct.unpack("!%dH" % (len(header) // 2), header))
    while total >> 16:
        total = (total & 0xFFFF) + (total >> 16)
    return (~total) & 0xFFFF


class Generator:
    def __init__(self, args, xid):
        self.rng = random.Random(args.seed)
        self.app_mac = args.app_mac
        self.app_ip = args.app_ip
        self.host_ip = args.host_ip
        self.host_mac = args.host_mac
        self.gateway_ip = args.gateway_ip
        self.server_ip = args.server_ip
        self.xid = xid
        prefix = self.app_ip.rsplit(".", 1)[0]
        self.prefix = prefix
        self.subnet_broadcast = prefix + ".255"
        self.weights = [w for _, w in CATEGORIES]
        self.names = [n for n, _ in CATEGORIES]

    # --- helpers -----------------------------------------------------------------------------
    def rand_mac(self, unicast=True):
        b = bytearray(self.rng.getrandbits(8) for _ in range(6))
        if unicast:
            b[0] = (b[0] & 0xFC) | 0x02  # locally administered unicast
        return ":".join("%02x" % x for x in b)

    def rand_ip(self):
        return ".".join(str(self.rng.randrange(256)) for _ in range(4))

    def spoof_source_ip(self):
        """A source address for forged traffic: anything but the host's (see the module doc)."""
        choice = self.rng.random()
        if choice < 0.5:
            return self.host_ip
        if choice < 0.7:
            return "%s.%d" % (self.prefix, self.rng.choice([2, 3, 100, 200, 254]))
        return self.rand_ip()

    def dst_mac(self):
        r = self.rng.random()
        if r < 0.75:
            return self.app_mac
        if r < 0.92:
            return BROADCAST
        if r < 0.96:
            return "01:00:5e:00:00:%02x" % self.rng.randrange(256)
        return self.rand_mac()

    def dst_ip(self):
        r = self.rng.random()
        if r < 0.8:
            return self.app_ip
        if r < 0.9:
            return "255.255.255.255"
        if r < 0.95:
            return self.subnet_broadcast
        return self.rand_ip()

    def payload(self, lo=0, hi=64):
        return bytes(self.rng.getrandbits(8) for _ in range(self.rng.randint(lo, hi)))

    def template(self):
        """A well-formed frame the app would accept, to be damaged by a category."""
        eth = Ether(dst=self.dst_mac(), src=self.host_mac)
        kind = self.rng.randrange(5)
        src = self.host_ip if self.rng.random() < 0.8 else self.spoof_source_ip()
        if kind == 0:
            pkt = eth / IP(src=src, dst=self.dst_ip(), id=self.rng.randrange(65536)) / \
                ICMP(type=8, id=self.rng.randrange(65536), seq=self.rng.randrange(65536)) / self.payload(0, 200)
        elif kind == 1:
            pkt = eth / IP(src=src, dst=self.dst_ip()) / \
                UDP(sport=self.rng.randrange(1024, 65536), dport=self.rng.choice([7, 7, 9, 68, 67, self.rng.randrange(65536)])) / \
                self.payload(0, 300)
        elif kind == 2:
            pkt = Ether(dst=self.dst_mac(), src=self.rand_mac()) / ARP(
                op=self.rng.choice([1, 2]), hwsrc=self.rand_mac(), psrc=self.spoof_arp_ip(),
                hwdst="00:00:00:00:00:00", pdst=self.app_ip)
        elif kind == 3:
            pkt = self.dhcp_reply(self.rng.choice([2, 5, 6]), self.server_ip if self.rng.random() < 0.5 else self.rand_ip(),
                                  self.xid if self.rng.random() < 0.5 else self.rng.getrandbits(32))
        else:
            pkt = eth / IP(src=src, dst=self.app_ip, proto=2, ttl=1, options=[IPOption(b"\x94\x04\x00\x00")]) / \
                IGMP(type=0x11, mrcode=self.rng.randrange(256), gaddr="0.0.0.0")
        return bytes(pkt)

    def spoof_arp_ip(self):
        ip = self.spoof_source_ip()
        return ip if ip != self.host_ip else self.gateway_ip

    def dhcp_reply(self, msg_type, server_id, xid, extra=None):
        offered = "%s.%d" % (self.prefix, self.rng.randrange(2, 254))
        options = [("message-type", msg_type), ("server_id", server_id), ("lease_time", self.rng.choice([1, 60, 600, 0xFFFFFFFF])),
                   ("subnet_mask", "255.255.255.0"), ("router", self.rand_ip())]
        if extra:
            options += extra
        options.append("end")
        chaddr = bytes.fromhex(self.app_mac.replace(":", "")) + b"\0" * 10
        return bytes(Ether(dst=self.rng.choice([self.app_mac, BROADCAST]), src=self.rand_mac()) /
                     IP(src=server_id, dst=self.rng.choice([self.app_ip, "255.255.255.255", offered])) /
                     UDP(sport=67, dport=68) /
                     BOOTP(op=2, xid=xid, yiaddr=offered, siaddr=server_id, chaddr=chaddr, flags=0x8000) /
                     DHCP(options=options))

    # --- categories --------------------------------------------------------------------------
    def truncated(self):
        frame = self.template()
        return frame[:self.rng.randint(14, max(14, len(frame) - 1))]

    def lying_length(self):
        frame = bytearray(self.template())
        if len(frame) < 34 or frame[12:14] != b"\x08\x00":
            # ARP: lie in hardware/protocol lengths.
            if len(frame) >= 20:
                frame[18] = self.rng.choice([0, 1, 5, 7, 16, 255])
                frame[19] = self.rng.choice([0, 3, 5, 16, 255])
            return bytes(frame)
        which = self.rng.randrange(4)
        if which == 0:  # IPv4 total length
            total = self.rng.choice([0, 1, 19, 20, 21, len(frame) - 14 + self.rng.randint(1, 2000), 65535,
                                     self.rng.randrange(65536)])
            frame[16:18] = struct.pack("!H", total & 0xFFFF)
        elif which == 1:  # IHL
            frame[14] = 0x40 | self.rng.choice([0, 1, 4, 6, 15])
        elif which == 2:  # version nibble
            frame[14] = (self.rng.choice([0, 5, 6, 15]) << 4) | (frame[14] & 0x0F)
        else:  # UDP / ICMP length-ish field at the transport header
            ihl = (frame[14] & 0x0F) * 4
            at = 14 + ihl + 4
            if at + 2 <= len(frame):
                frame[at:at + 2] = struct.pack("!H", self.rng.choice([0, 1, 7, 8, 9, 65535, self.rng.randrange(65536)]))
        # Repair the header checksum so the lie reaches the layer that must catch it.
        ihl = (frame[14] & 0x0F) * 4
        if 20 <= ihl <= len(frame) - 14:
            frame[24:26] = b"\0\0"
            frame[24:26] = struct.pack("!H", ip_checksum(bytes(frame[14:14 + ihl])))
        return bytes(frame)

    def bad_checksum(self):
        frame = bytearray(self.template())
        if frame[12:14] != b"\x08\x00" or len(frame) < 34:
            return bytes(frame)
        if self.rng.random() < 0.5:
            frame[24] ^= 1 + self.rng.randrange(255)
        else:
            ihl = (frame[14] & 0x0F) * 4
            proto = frame[23]
            at = 14 + ihl + (6 if proto == 17 else 2)
            if at + 2 <= len(frame):
                frame[at] ^= 1 + self.rng.randrange(255)
        return bytes(frame)

    def ip_options(self):
        choices = [
            b"\x83\x07\x04" + bytes(4),                        # LSRR, one hop
            b"\x89\x07\x04" + bytes(4),                          # SSRR
            b"\x07\x07\x04" + bytes(4),                          # record route
            b"\x44\x0c\x05\x00" + bytes(8),                      # timestamp
            b"\x94\x04\x00\x00",                                 # router alert (accepted)
            b"\x01\x01\x01\x00",                                 # NOPs + EOL (accepted)
            b"\x83\x00\x00\x00",                                 # option length 0
            b"\x83\x01\x00\x00",                                 # option length 1
            b"\x83\xff\x04\x00",                                 # option length past the header
            bytes([self.rng.randrange(256) for _ in range(self.rng.choice([4, 8, 20, 40]))]),
        ]
        opt = self.rng.choice(choices)
        opt = opt + b"\0" * ((4 - len(opt) % 4) % 4)
        opt = opt[:40]
        ip = IP(src=self.host_ip, dst=self.dst_ip())
        if self.rng.randrange(2) == 0:
            pkt = Ether(dst=self.dst_mac(), src=self.host_mac) / ip / ICMP(type=8, id=self.rng.randrange(65536)) / self.payload()
        else:
            pkt = Ether(dst=self.dst_mac(), src=self.host_mac) / ip / UDP(sport=40000, dport=7) / self.payload()
        return with_raw_ip_options(bytes(pkt), opt)

    def fragment(self):
        flags = self.rng.choice(["MF", 0, "MF+DF", "DF"])
        offset = self.rng.choice([0, 0, 1, 8, 185, 8191, self.rng.randrange(8192)])
        if flags in (0, "DF") and offset == 0:
            offset = 1
        proto = self.rng.choice(["icmp", "udp"])
        ip = IP(src=self.host_ip, dst=self.app_ip, flags=flags, frag=offset, id=self.rng.randrange(65536))
        body = ICMP(type=8) / self.payload(0, 1400) if proto == "icmp" else UDP(sport=40001, dport=7) / self.payload(0, 1400)
        return bytes(Ether(dst=self.app_mac, src=self.host_mac) / ip / body)

    def oversized(self):
        size = self.rng.choice([1515, 1518, 1522, 1536, 1537, 2048, 4096, 8000, 9014])
        r = self.rng.random()
        if r < 0.5:
            # Headers that claim the whole frame.
            data_len = size - 14 - 20 - 8
            pkt = Ether(dst=self.app_mac, src=self.host_mac) / IP(src=self.host_ip, dst=self.app_ip) / \
                UDP(sport=40002, dport=7) / (b"\xa5" * data_len)
            return bytes(pkt)[:size]
        head = bytes(Ether(dst=self.dst_mac(), src=self.host_mac, type=self.rng.choice([0x0800, 0x0806, 0x88B5])))
        return head + bytes(self.rng.getrandbits(8) for _ in range(size - len(head)))

    def random_bytes(self):
        n = self.rng.randint(14, 1514)
        body = bytes(self.rng.getrandbits(8) for _ in range(n))
        if self.rng.random() < 0.7:
            dst = bytes.fromhex(self.dst_mac().replace(":", ""))
            body = dst + body[6:]
        if self.rng.random() < 0.5 and n >= 14:
            body = body[:12] + self.rng.choice([b"\x08\x00", b"\x08\x06"]) + body[14:]
        return body

    def bit_flips(self):
        frame = bytearray(self.template())
        for _ in range(self.rng.randint(1, 8)):
            at = self.rng.randrange(12, len(frame))  # keep the destination/source MAC
            frame[at] ^= 1 << self.rng.randrange(8)
        if self.rng.random() < 0.5 and frame[12:14] == b"\x08\x00" and len(frame) >= 34:
            ihl = (frame[14] & 0x0F) * 4
            if 20 <= ihl <= len(frame) - 14:
                frame[24:26] = b"\0\0"
                frame[24:26] = struct.pack("!H", ip_checksum(bytes(frame[14:14 + ihl])))
        return bytes(frame)

    def arp_spoof(self):
        r = self.rng.randrange(4)
        other = self.rand_mac()
        if r == 0:
            # Someone else claims the app's own address (RFC 5227 conflict): gratuitous reply.
            arp = ARP(op=2, hwsrc=other, psrc=self.app_ip, hwdst=BROADCAST, pdst=self.app_ip)
            dst = BROADCAST
        elif r == 1:
            # ... and as a request for the app's address, from the app's address.
            arp = ARP(op=1, hwsrc=other, psrc=self.app_ip, hwdst="00:00:00:00:00:00", pdst=self.app_ip)
            dst = self.rng.choice([BROADCAST, self.app_mac])
        elif r == 2:
            # An unsolicited reply for the gateway, to the app.
            arp = ARP(op=2, hwsrc=other, psrc=self.gateway_ip, hwdst=self.app_mac, pdst=self.app_ip)
            dst = self.app_mac
        else:
            # A request for the app from a made-up neighbour (the app answers and may learn it).
            arp = ARP(op=1, hwsrc=other, psrc="%s.%d" % (self.prefix, self.rng.randrange(2, 254)) if self.rng.random() < 0.9 else self.gateway_ip,
                      pdst=self.app_ip)
            if arp.psrc == self.host_ip:
                arp.psrc = self.gateway_ip
            dst = self.rng.choice([BROADCAST, self.app_mac])
        return bytes(Ether(dst=dst, src=other) / arp)

    def arp_malformed(self):
        # Packed by hand: scapy reinterprets the address fields when ptype/plen change.
        hlen = self.rng.choice([6, 0, 8, 255])
        plen = self.rng.choice([4, 0, 16, 255])
        header = struct.pack("!HHBBH", self.rng.choice([1, 6, 0, 0xFFFF]), self.rng.choice([0x0800, 0x86DD, 0]),
                             hlen, plen, self.rng.choice([1, 2, 3, 0, 0xFFFF]))
        sender_mac = bytes.fromhex(self.rand_mac().replace(":", ""))
        addresses = sender_mac + socket.inet_aton(self.spoof_arp_ip()) + bytes(6) + socket.inet_aton(self.app_ip)
        addresses += bytes(self.rng.getrandbits(8) for _ in range(self.rng.choice([0, 8, 64])))
        frame = bytes(Ether(dst=self.rng.choice([BROADCAST, self.app_mac]), src=self.rand_mac(), type=0x0806)) + header + addresses
        return frame[:self.rng.randint(14, len(frame))] if self.rng.random() < 0.4 else frame

    def dhcp_forged(self):
        xid = self.xid if self.rng.random() < 0.8 else self.rng.getrandbits(32)
        r = self.rng.randrange(4)
        rogue = "%s.%d" % (self.prefix, self.rng.choice([66, 67, 200]))
        if r == 0:
            return self.dhcp_reply(5, rogue, xid)            # ACK from a different server id
        if r == 1:
            return self.dhcp_reply(6, rogue, xid)            # NAK from a different server id
        if r == 2:
            return self.dhcp_reply(6, self.server_ip, xid)   # NAK claiming the real server id
        return self.dhcp_reply(2, rogue, xid)                # a late OFFER

    def dhcp_malformed(self):
        frame = bytearray(self.dhcp_reply(self.rng.choice([2, 5, 6]), self.server_ip, self.xid,
                                          extra=[(43, bytes([1, self.rng.choice([0, 3, 4, 5]), 1, 2, 3, 4])),
                                                 (52, b"\x03")]))
        # Options start after Ether(14) + IP(20) + UDP(8) + BOOTP fixed part(236) + cookie(4).
        start = 14 + 20 + 8 + 236 + 4
        r = self.rng.randrange(4)
        if r == 0 and len(frame) > start + 2:
            frame[start + 1] = 0xFF                          # first option's length runs off the end
        elif r == 1:
            frame = frame[:self.rng.randint(start - 4, len(frame) - 1)]  # cut inside cookie/options
            frame[16:18] = struct.pack("!H", len(frame) - 14)
            frame[38:40] = struct.pack("!H", len(frame) - 34)
            frame[40:42] = b"\0\0"
        elif r == 2:
            frame[start - 4:start] = b"\x63\x82\x53\x64"     # wrong magic cookie
        else:
            while len(frame) > start and frame[-1] in (0xFF, 0):
                frame = frame[:-1]                           # no End option
        if len(frame) >= 34:
            frame[24:26] = b"\0\0"
            frame[24:26] = struct.pack("!H", ip_checksum(bytes(frame[14:34])))
            if len(frame) >= 42:
                frame[40:42] = b"\0\0"                       # UDP checksum "none"
        return bytes(frame)

    def odd_ethertype(self):
        r = self.rng.randrange(5)
        inner = IP(src=self.host_ip, dst=self.app_ip) / ICMP(type=8) / self.payload()
        if r == 0:
            pkt = Ether(dst=self.app_mac, src=self.host_mac) / Dot1Q(vlan=self.rng.randrange(4096)) / inner
        elif r == 1:
            pkt = Ether(dst=self.app_mac, src=self.host_mac) / IPv6(dst="fe80::1") / self.payload()
        elif r == 2:
            pkt = Ether(dst=self.app_mac, src=self.host_mac) / LLC() / SNAP() / inner
        elif r == 3:
            pkt = Ether(dst=self.app_mac, src=self.host_mac, type=self.rng.randrange(65536)) / self.payload(0, 200)
        else:
            pkt = Ether(dst=self.app_mac, src=self.app_mac) / inner          # our own MAC as source
        return bytes(pkt)

    def icmp_odd(self):
        r = self.rng.randrange(4)
        eth = Ether(dst=self.dst_mac(), src=self.host_mac)
        if r == 0:
            return bytes(eth / IP(src=self.host_ip, dst=self.dst_ip()) / ICMP(type=self.rng.randrange(256), code=self.rng.randrange(256), ts_ori=0, ts_rx=0, ts_tx=0) / self.payload())
        if r == 1:
            return bytes(eth / IP(src=self.host_ip, dst=self.app_ip) / ICMP(type=8) / self.payload(1400, 1472))
        if r == 2:
            return bytes(eth / IP(src=self.rng.choice(["0.0.0.0", "127.0.0.1", "224.0.0.1", "255.255.255.255", self.app_ip]), dst=self.app_ip) / ICMP(type=8))
        return bytes(eth / IP(src=self.host_ip, dst=self.app_ip) / ICMP(type=0, id=0x1234, seq=1))

    def next(self):
        name = self.rng.choices(self.names, weights=self.weights)[0]
        frame = getattr(self, name.replace("-", "_"))()
        if len(frame) < 14:
            frame = frame + b"\0" * (14 - len(frame))
        return name, frame


def read_xid(pcap, app_mac, wait_seconds=20.0):
    """The xid of the app's last DHCP request in a tcpdump capture (0 when none).

    Parsed by hand (classic pcap, Ethernet), record by record, so a capture tcpdump is still
    writing (a cut last record) still yields what came before; retried while it has none yet."""
    mac = bytes.fromhex(app_mac.replace(":", ""))
    deadline = time.monotonic() + wait_seconds
    while True:
        xid = 0
        try:
            with open(pcap, "rb") as f:
                data = f.read()
        except OSError:
            data = b""
        if len(data) >= 24 and data[:4] in (b"\xd4\xc3\xb2\xa1", b"\x4d\x3c\xb2\xa1"):
            at = 24
            while len(data) - at >= 16:
                incl = struct.unpack("<I", data[at + 8:at + 12])[0]
                if incl > len(data) - at - 16:
                    break
                frame = data[at + 16:at + 16 + incl]
                at += 16 + incl
                if len(frame) < 14 + 20 + 8 + 8 or frame[6:12] != mac or frame[12:14] != b"\x08\x00":
                    continue
                ihl = (frame[14] & 0x0F) * 4
                udp = 14 + ihl
                if frame[23] != 17 or len(frame) < udp + 8 + 8 or frame[udp + 2:udp + 4] != b"\x00\x43":
                    continue
                bootp = udp + 8
                if frame[bootp] == 1:
                    xid = struct.unpack("!I", frame[bootp + 4:bootp + 8])[0]
        if xid != 0 or time.monotonic() >= deadline:
            return xid
        time.sleep(0.5)


class Syncer:
    """ICMP echo from the host's kernel to the app: answered means every earlier frame was taken."""

    def __init__(self, app_ip, timeout, attempts):
        self.app_ip = app_ip
        self.timeout = timeout
        self.attempts = attempts
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_RAW, socket.IPPROTO_ICMP)
        self.ident = os.getpid() & 0xFFFF
        self.seq = 0
        self.rtts = []

    def ping(self):
        for _ in range(self.attempts):
            self.seq = (self.seq + 1) & 0xFFFF
            body = b"hostile-sync-%05d" % self.seq
            header = struct.pack("!BBHHH", 8, 0, 0, self.ident, self.seq)
            checksum = ip_checksum(header + body)
            packet = struct.pack("!BBHHH", 8, 0, checksum, self.ident, self.seq) + body
            sent = time.monotonic()
            self.sock.sendto(packet, (self.app_ip, 0))
            deadline = sent + self.timeout
            while True:
                left = deadline - time.monotonic()
                if left <= 0:
                    break
                ready, _, _ = select.select([self.sock], [], [], left)
                if not ready:
                    break
                data, source = self.sock.recvfrom(4096)
                ihl = (data[0] & 0x0F) * 4
                if source[0] != self.app_ip or len(data) < ihl + 8:
                    continue
                kind, _, _, ident, seq = struct.unpack("!BBHHH", data[ihl:ihl + 8])
                if kind == 0 and ident == self.ident and seq == self.seq:
                    self.rtts.append(time.monotonic() - sent)
                    return True
        return False


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--iface", required=True)
    parser.add_argument("--app-mac", required=True)
    parser.add_argument("--app-ip", required=True)
    parser.add_argument("--host-ip", required=True)
    parser.add_argument("--host-mac", default=None, help="default: the MAC of --iface")
    parser.add_argument("--gateway-ip", required=True)
    parser.add_argument("--server-ip", required=True, help="the real DHCP server id")
    parser.add_argument("--dhcp-pcap", default=None, help="capture of the app's DHCP exchange, for its xid")
    parser.add_argument("--xid", default=None, help="the app's DHCP xid (hex); overrides --dhcp-pcap")
    parser.add_argument("--seed", type=int, default=20261121)
    parser.add_argument("--count", type=int, default=12000)
    parser.add_argument("--batch", type=int, default=48)
    parser.add_argument("--sync-timeout", type=float, default=10.0)
    parser.add_argument("--sync-attempts", type=int, default=3)
    parser.add_argument("--dump-pcap", default=None, help="write the frames to this pcap (all, or the failing batch)")
    parser.add_argument("--generate-only", action="store_true", help="print the digest, send nothing")
    args = parser.parse_args()
    if args.host_mac is None:
        with open("/sys/class/net/%s/address" % args.iface) as f:
            args.host_mac = f.read().strip()

    xid = int(args.xid, 16) if args.xid else read_xid(args.dhcp_pcap, args.app_mac)
    gen = Generator(args, xid)
    frames = []
    per_category = {}
    digest = hashlib.sha256()
    for _ in range(args.count):
        name, frame = gen.next()
        frames.append(frame)
        per_category[name] = per_category.get(name, 0) + 1
        digest.update(struct.pack("!H", len(frame)) + frame)
    print("HOSTILE PLAN seed=%d count=%d xid=0x%08x sha256=%s categories=%s" % (
        args.seed, args.count, xid, digest.hexdigest(), ",".join("%s:%d" % kv for kv in sorted(per_category.items()))), flush=True)
    if args.generate_only:
        if args.dump_pcap:
            wrpcap(args.dump_pcap, [Ether(f) for f in frames])
        return 0

    sender = socket.socket(socket.AF_PACKET, socket.SOCK_RAW)
    sender.bind((args.iface, 0))
    syncer = Syncer(args.app_ip, args.sync_timeout, args.sync_attempts)
    if not syncer.ping():
        print("HOSTILE RESULT ok=0 reason=app-not-answering-before-start sent=0", flush=True)
        return 2

    sent = 0
    send_errors = 0
    started = time.monotonic()
    for batch_start in range(0, len(frames), args.batch):
        batch = frames[batch_start:batch_start + args.batch]
        for frame in batch:
            try:
                sender.send(frame)
                sent += 1
            except OSError:
                send_errors += 1  # e.g. EMSGSIZE when the device MTU is below an oversized frame
        if not syncer.ping():
            if args.dump_pcap:
                wrpcap(args.dump_pcap, [Ether(f) for f in batch])
            print("HOSTILE RESULT ok=0 reason=sync-lost batch=%d first-frame=%d sent=%d send-errors=%d seed=%d" % (
                batch_start // args.batch, batch_start, sent, send_errors, args.seed), flush=True)
            return 2
    elapsed = time.monotonic() - started
    if args.dump_pcap:
        wrpcap(args.dump_pcap, [Ether(f) for f in frames])
    rtts = sorted(syncer.rtts)
    print("HOSTILE RESULT ok=1 sent=%d send-errors=%d batches=%d syncs=%d elapsed=%.1fs sync-rtt-median=%.1fms sync-rtt-max=%.1fms seed=%d" % (
        sent, send_errors, (len(frames) + args.batch - 1) // args.batch, len(rtts), elapsed,
        1000 * rtts[len(rtts) // 2], 1000 * rtts[-1], args.seed), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
