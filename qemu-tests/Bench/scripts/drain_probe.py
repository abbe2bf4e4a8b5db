#!/usr/bin/python3
"""Drain probe for the recovery benchmark: lets the capture tell, on the host's clock, how far behind
the manager's DATA the app is while it receives, and when it has taken a whole pass.

    drain_probe.py --iface BR --app-ip A [--seconds 600] [--interval 0.001] [--data-interval 0.002]

Standard library only; run as root inside the test namespace. It watches the bridge (AF_PACKET,
ETH_P_ALL, so the manager's own outgoing frames are seen) for recovery-protocol datagrams (magic
"URCP"). While DATA (type 4) flows it sends an ICMP echo request to the app every --data-interval
seconds; the tap and the NIC deliver in order, so each reply's delay is how far the app is behind the
wire at that moment. After each STATUS_REQUEST (type 5) it sends echo requests every --interval
seconds until one is answered (at most 3 s): that reply comes after the app took the whole pass (and,
in the recovery app, after the signature check the last fragment starts in the same poll). The
requests and replies are timed from the tcpdump capture of the tap, not here; this prints counts.
"""

import argparse
import os
import select
import socket
import struct
import time

ETH_P_ALL = 0x0003


def checksum(data):
    if len(data) % 2:
        data += b"\0"
    total = sum(struct.unpack("!%dH" % (len(data) // 2), data))
    while total >> 16:
        total = (total & 0xFFFF) + (total >> 16)
    return (~total) & 0xFFFF


def protocol_type(frame):
    """The recovery protocol's message type of an Ethernet/IPv4/UDP frame, or 0; every offset checked."""
    if len(frame) < 14 + 20 or frame[12:14] != b"\x08\x00" or frame[23] != 17:
        return 0
    udp = 14 + (frame[14] & 0x0F) * 4
    if len(frame) < udp + 8 + 6 or frame[udp + 8:udp + 12] != b"URCP":
        return 0
    return frame[udp + 13]


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--iface", required=True)
    p.add_argument("--app-ip", required=True)
    p.add_argument("--seconds", type=float, default=600)
    p.add_argument("--interval", type=float, default=0.001)
    p.add_argument("--data-interval", type=float, default=0.002)
    a = p.parse_args()

    sniff = socket.socket(socket.AF_PACKET, socket.SOCK_RAW, socket.htons(ETH_P_ALL))
    sniff.bind((a.iface, 0))
    icmp = socket.socket(socket.AF_INET, socket.SOCK_RAW, socket.IPPROTO_ICMP)
    ident = os.getpid() & 0xFFFF
    seq = 0
    first_seq = 0
    pending = False
    pending_since = 0.0
    next_ping = 0.0
    requests_seen = 0
    answered = 0
    pings = 0
    data_until = 0.0
    next_data_ping = 0.0
    print("PROBE ready ident=%d" % ident, flush=True)
    end = time.monotonic() + a.seconds

    def ping():
        nonlocal seq, pings
        seq = (seq + 1) & 0xFFFF
        body = b"drain-probe"
        header = struct.pack("!BBHHH", 8, 0, 0, ident, seq)
        icmp.sendto(struct.pack("!BBHHH", 8, 0, checksum(header + body), ident, seq) + body, (a.app_ip, 0))
        pings += 1

    while time.monotonic() < end:
        now = time.monotonic()
        if pending and now - pending_since > 3.0:
            pending = False
        if pending and now >= next_ping:
            ping()
            next_ping = now + a.interval
        elif not pending and now < data_until and now >= next_data_ping:
            ping()
            next_data_ping = now + a.data_interval
        deadlines = [now + 0.2]
        if pending:
            deadlines.append(next_ping)
        elif now < data_until:
            deadlines.append(next_data_ping)
        wait = max(0.0, min(deadlines) - time.monotonic())
        ready, _, _ = select.select([sniff, icmp], [], [], wait)
        if sniff in ready:
            frame = sniff.recv(2048)
            kind = protocol_type(frame)
            if kind == 4:
                # DATA flowing: keep probing until 20 ms after the last one seen.
                data_until = time.monotonic() + 0.02
            elif kind == 5:
                data_until = 0.0
                requests_seen += 1
                pending = True
                pending_since = time.monotonic()
                next_ping = 0.0
                first_seq = (seq + 1) & 0xFFFF
        if icmp in ready:
            data, source = icmp.recvfrom(2048)
            ihl = (data[0] & 0x0F) * 4
            if source[0] == a.app_ip and len(data) >= ihl + 8:
                kind, _, _, rid, rseq = struct.unpack("!BBHHH", data[ihl:ihl + 8])
                if kind == 0 and rid == ident and pending and ((rseq - first_seq) & 0xFFFF) < 0x8000:
                    pending = False
                    answered += 1
                    print("PROBE answered status-requests=%d pings=%d" % (requests_seen, pings), flush=True)
    print("PROBE done status-requests=%d answered=%d pings=%d" % (requests_seen, answered, pings), flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
