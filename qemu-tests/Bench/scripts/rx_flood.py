#!/usr/bin/python3
"""Receive-rate probe for the netdiag app: paced bursts, UDP echo round trips, then a UDP flood.

    rx_flood.py --iface BR --app-mac M --app-ip A [--paced-seconds 5] [--echo-seconds 8]
                [--flood-seconds 8] [--size 1514] [--burst 32] [--window 8]

Standard library only (AF_PACKET + raw ICMP + UDP sockets); run as root inside the test namespace.

Phase 1, paced: bursts of --burst frames (same frame as the flood), each followed by an ICMP echo
that must be answered before the next burst, so no queue overflows and every frame reaches the app:
frames/s here is a lossless rate (it includes one ping round trip per burst).

Phase 3 (last, because on some NICs a flood wedges reception), flood: one prebuilt Ethernet/IPv4/UDP frame of --size bytes to the app's MAC and address,
port 9 (no socket there: the app's stack takes the frame, checks it and counts it as "no socket"),
sent back to back for --flood-seconds. Then ICMP echoes from the kernel every 50 ms (the first ones
may be dropped by the full tap queue); the first reply comes after every frame queued before its
request, so "drain" is when the app had taken the whole flood (or QEMU/the tap had dropped what did
not fit), to within 50 ms. The app's own count (NETDIAG STATS rx) gives how many it took.

Phase 2, echo: UDP datagrams to port 7 with at most --window outstanding; replies per second is
the full round trip (host -> app -> host), one frame each way.

Prints one line: BENCH key=value ...
"""

import argparse
import os
import select
import socket
import struct
import time


def checksum(data):
    if len(data) % 2:
        data += b"\0"
    total = sum(struct.unpack("!%dH" % (len(data) // 2), data))
    while total >> 16:
        total = (total & 0xFFFF) + (total >> 16)
    return (~total) & 0xFFFF


def udp_frame(src_mac, dst_mac, src_ip, dst_ip, dport, size):
    payload_len = size - 14 - 20 - 8
    payload = bytes((i * 7) & 0xFF for i in range(payload_len))
    udp_len = 8 + payload_len
    pseudo = socket.inet_aton(src_ip) + socket.inet_aton(dst_ip) + struct.pack("!BBH", 0, 17, udp_len)
    udp = struct.pack("!HHHH", 40009, dport, udp_len, 0) + payload
    csum = checksum(pseudo + udp) or 0xFFFF
    udp = udp[:6] + struct.pack("!H", csum) + udp[8:]
    ip = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 20 + udp_len, 0, 0x4000, 64, 17, 0,
                     socket.inet_aton(src_ip), socket.inet_aton(dst_ip))
    ip = ip[:10] + struct.pack("!H", checksum(ip)) + ip[12:]
    return dst_mac + src_mac + b"\x08\x00" + ip + udp


_icmp_socket = None
_icmp_seq = 0


def icmp_sync(app_ip, timeout, interval=0.05):
    """ICMP echo requests every `interval` s until one is answered (any of them) or `timeout`.

    After a flood the tap's queue is full and a single request is likely dropped before it reaches
    QEMU; a later one gets in once the app has drained some frames, and its reply comes when the
    app has taken everything queued before it. Returns (answered, requests sent)."""
    global _icmp_socket, _icmp_seq
    if _icmp_socket is None:
        _icmp_socket = socket.socket(socket.AF_INET, socket.SOCK_RAW, socket.IPPROTO_ICMP)
    sock = _icmp_socket
    ident = os.getpid() & 0xFFFF
    first_seq = _icmp_seq + 1   # replies to earlier calls' requests do not count for this one
    sent_count = 0
    start = time.monotonic()
    next_send = start
    while time.monotonic() - start < timeout:
        now = time.monotonic()
        if now >= next_send:
            sent_count += 1
            _icmp_seq += 1
            body = b"bench-sync"
            header = struct.pack("!BBHHH", 8, 0, 0, ident, _icmp_seq & 0xFFFF)
            packet = struct.pack("!BBHHH", 8, 0, checksum(header + body), ident, _icmp_seq & 0xFFFF) + body
            sock.sendto(packet, (app_ip, 0))
            next_send = now + interval
        ready, _, _ = select.select([sock], [], [], max(0.0, next_send - time.monotonic()))
        if not ready:
            continue
        data, source = sock.recvfrom(4096)
        ihl = (data[0] & 0x0F) * 4
        if source[0] == app_ip and len(data) >= ihl + 8:
            kind, _, _, rid, rseq = struct.unpack("!BBHHH", data[ihl:ihl + 8])
            if kind == 0 and rid == ident and (rseq - first_seq) & 0xFFFF <= (_icmp_seq - first_seq) & 0xFFFF:
                return True, sent_count
    return False, sent_count


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--iface", required=True)
    p.add_argument("--app-mac", required=True)
    p.add_argument("--app-ip", required=True)
    p.add_argument("--flood-seconds", type=float, default=8.0)
    p.add_argument("--echo-seconds", type=float, default=8.0)
    p.add_argument("--size", type=int, default=1514)
    p.add_argument("--window", type=int, default=8)
    p.add_argument("--paced-seconds", type=float, default=5.0)
    p.add_argument("--burst", type=int, default=32)
    a = p.parse_args()

    with open("/sys/class/net/%s/address" % a.iface) as f:
        host_mac = bytes.fromhex(f.read().strip().replace(":", ""))
    host_ip = None
    for line in os.popen("ip -4 -o addr show dev %s" % a.iface):
        host_ip = line.split()[3].split("/")[0]
    app_mac = bytes.fromhex(a.app_mac.replace(":", ""))

    ok, syncs = icmp_sync(a.app_ip, 30, interval=1.0)
    if not ok:
        print("BENCH ok=0 reason=no-answer-before-flood", flush=True)
        return 2

    frame = udp_frame(host_mac, app_mac, host_ip, a.app_ip, 9, a.size)
    tx = socket.socket(socket.AF_PACKET, socket.SOCK_RAW)
    tx.bind((a.iface, 0))

    # Phase 1: paced bursts, each acknowledged by a ping.
    paced_sent = 0
    start = time.monotonic()
    while time.monotonic() - start < a.paced_seconds:
        for _ in range(a.burst):
            tx.send(frame)
            paced_sent += 1
        ok, n = icmp_sync(a.app_ip, 10, interval=1.0)
        syncs += n
        if not ok:
            print("BENCH ok=0 reason=no-answer-in-paced-phase paced-sent=%d" % paced_sent, flush=True)
            return 2
    paced = time.monotonic() - start

    # Phase 2: UDP echo round trips, at most `window` outstanding.
    us = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    us.setblocking(False)
    outstanding = {}
    seq = 0
    requests = 0
    replies = 0
    start = time.monotonic()
    end = start + a.echo_seconds
    while time.monotonic() < end:
        now = time.monotonic()
        for key, sent_at in list(outstanding.items()):
            if now - sent_at > 1.0:
                del outstanding[key]      # lost (or very late): free its window slot
        while len(outstanding) < a.window:
            seq += 1
            us.sendto(b"bench-%08d" % seq, (a.app_ip, 7))
            outstanding[seq] = time.monotonic()
            requests += 1
        ready, _, _ = select.select([us], [], [], 0.05)
        if ready:
            while True:
                try:
                    data, _ = us.recvfrom(2048)
                except BlockingIOError:
                    break
                if data.startswith(b"bench-"):
                    key = int(data[6:])
                    if key in outstanding:
                        del outstanding[key]
                        replies += 1
    echo = time.monotonic() - start
    time.sleep(1.0)

    # Phase 3: flood.
    tx.setblocking(False)
    sent = 0
    blocked = 0
    start = time.monotonic()
    end = start + a.flood_seconds
    while True:
        for _ in range(64):
            try:
                tx.send(frame)
                sent += 1
            except (BlockingIOError, OSError):
                blocked += 1
        if time.monotonic() >= end:
            break
    flood = time.monotonic() - start
    answered, n = icmp_sync(a.app_ip, 30)
    syncs += n
    drain = time.monotonic() - start - flood

    print("BENCH ok=1 size=%d paced-sent=%d paced-s=%.3f burst=%d echo-requests=%d echo-replies=%d echo-s=%.3f window=%d "
          "flood-sent=%d flood-blocked=%d flood-s=%.3f drain-s=%.3f answered-after-flood=%d syncs=%d"
          % (a.size, paced_sent, paced, a.burst, requests, replies, echo, a.window,
             sent, blocked, flood, drain, 1 if answered else 0, syncs), flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
