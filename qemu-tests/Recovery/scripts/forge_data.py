#!/usr/bin/env python3
"""A LAN attacker for the hostile-LAN end-to-end test (docs/protocol.md §9).

Listens on UDP 40124 like any machine on the segment, waits for the first DATA of a recovery session
(protocol version 2), then sends well-formed DATA (good CRC, the session's id and the donor's sender id,
random bytes of the right length) for the next COUNT fragments to the same broadcast address, ahead of
the donor's pass. Prints one summary line. Plain sockets: it needs nothing but Python.

    python3 forge_data.py BROADCAST_ADDRESS COUNT
"""
import os
import socket
import struct
import sys
import zlib

MAGIC, VERSION, DATA = 0x55524350, 2, 4


def main():
    destination, count = sys.argv[1], int(sys.argv[2])
    sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_BROADCAST, 1)
    sock.bind(("", 40124))
    print("listening", flush=True)
    while True:
        data, _ = sock.recvfrom(9000)
        if len(data) > 40 and struct.unpack(">I", data[:4])[0] == MAGIC and data[4] == VERSION and data[5] == DATA:
            break
    session, sender = data[12:16], data[16:24]
    first = struct.unpack(">I", data[32:36])[0] + 1
    length = len(data) - 40
    message_id = 0xBAD00000
    for index in range(first, first + count):
        body = struct.pack(">IHH", index, 0, 0) + os.urandom(length)
        header = struct.pack(">IBBHI", MAGIC, VERSION, DATA, 0, message_id) + session + sender + struct.pack(">HHI", len(body), 0, 0)
        crc = zlib.crc32(header + body) & 0xFFFFFFFF
        sock.sendto(header[:28] + struct.pack(">I", crc) + body, (destination, 40124))
        message_id += 1
    print("forged %d DATA of session %s donor %s from fragment %d, %d bytes each" % (count, session.hex(), sender.hex(), first, length), flush=True)


if __name__ == "__main__":
    main()
