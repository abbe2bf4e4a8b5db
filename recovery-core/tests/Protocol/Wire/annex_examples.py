#!/usr/bin/env python3
"""Independent encoder for docs/protocol.md Annex A (protocol version 2).

Written from the specification with Python's struct, zlib.crc32 and hashlib only, not from the C# codec,
so the codec tests compare two implementations. Prints the C# constants of ExampleDatagrams.cs and the
Annex hex dumps:   python3 annex_examples.py cs | python3 annex_examples.py md
"""
import hashlib
import struct
import sys
import zlib

MAGIC, VERSION = 0x55524350, 2
CLIENT_ID = 0x0000525400123456
DONOR_ID = 0x4D414E4147455231
SESSION = 0x1A2B3C4D
IMAGE_ID = 0xC8F5D0341D54D951
IMAGE_TYPE = bytes.fromhex("1B1A3C6E4D3F0E4F9C642A5D8B1F7E10")
TOKEN = 0x0123456789ABCDEF
ABORT_KEY = bytes(range(0xA0, 0xB0))
IMAGE = bytes(i % 251 for i in range(10000))   # the example image: byte i = i mod 251
FRAGMENT = 1432


def h16(data):
    return hashlib.sha256(data).digest()[:16]


def leaf(index, fragment):
    return h16(b"\x00" + struct.pack(">QI", IMAGE_ID, index) + fragment)


def node(left, right):
    return h16(b"\x01" + left + right)


def manifest():
    count = (len(IMAGE) + FRAGMENT - 1) // FRAGMENT
    depth = max(0, (count - 1).bit_length())
    leaves = [leaf(i, IMAGE[i * FRAGMENT:(i + 1) * FRAGMENT]) for i in range(count)]
    level = leaves + [bytes(16)] * ((1 << depth) - count)
    while len(level) > 1:
        level = [node(level[2 * i], level[2 * i + 1]) for i in range(len(level) // 2)]
    return leaves, level[0], depth


LEAVES, ROOT, DEPTH = manifest()
SHIFT = min(8, DEPTH)           # 7 fragments: one group of 8 (7 real leaves), no proof
COMMITMENT = h16(ABORT_KEY)


def frame(mtype, message_id, session, sender, fields):
    payload = b"".join(f for _, f in fields)
    head = struct.pack(">IBBHIIQHHI", MAGIC, VERSION, mtype, 0, message_id, session, sender, len(payload), 0, 0)
    crc = zlib.crc32(head + payload) & 0xFFFFFFFF
    head = head[:28] + struct.pack(">I", crc)
    return [("header", head)] + fields


def u8(v): return struct.pack(">B", v)
def u16(v): return struct.pack(">H", v)
def u32(v): return struct.pack(">I", v)
def u64(v): return struct.pack(">Q", v)


EXAMPLES = [
    ("Request", "REQUEST", "message 0x101, current 1.1 (0x00010001), accepts ≥ 0x00010000, max datagram 1472, no held image, reason 1, modes 0b111",
     frame(1, 0x101, 0, CLIENT_ID, [("type", IMAGE_TYPE), ("current", u32(0x00010001)), ("lowest", u32(0x00010000)),
                                    ("mac", bytes.fromhex("525400123456")), ("maxdgram", u16(1472)), ("ip", u32(0xC0A86414)),
                                    ("held", u64(0)), ("reason", u8(1)), ("modes", u8(7)), ("reserved", u16(0))])),
    ("Offer", "OFFER", "answers 0x101; version 0x00010002, lsv 0x00010000, 10000 B = 7 × 1432, port 40124, 192.168.100.255, broadcast, load 3, group shift 3, unsigned, token 0x0123456789ABCDEF, the example image's manifest root, the commitment of abort key A0..AF",
     frame(2, 0x201, SESSION, DONOR_ID, [("inreplyto", u32(0x101)), ("imageid", u64(IMAGE_ID)), ("type", IMAGE_TYPE),
                                          ("version", u32(0x00010002)), ("lsv", u32(0x00010000)), ("size", u32(10000)),
                                          ("count", u32(7)), ("fragsize", u16(1432)), ("port", u16(40124)),
                                          ("address", u32(0xC0A864FF)), ("mode", u8(1)), ("load", u8(3)), ("shift", u8(SHIFT)),
                                          ("sigkind", u8(0)), ("token", u64(TOKEN)), ("root", ROOT), ("commitment", COMMITMENT)])),
    ("Accept", "ACCEPT", "answers offer 0x201, holds 0 fragments, token",
     frame(3, 0x102, SESSION, CLIENT_ID, [("inreplyto", u32(0x201)), ("imageid", u64(IMAGE_ID)), ("held", u32(0)), ("token", u64(TOKEN))])),
    ("Manifest", "MANIFEST", "the one group of the example image: 7 leaves from fragment 0, no proof (the group is the whole tree)",
     frame(0x0A, 0x206, SESSION, DONOR_ID, [("first", u32(0)), ("count", u16(7)), ("proof", u8(0)), ("reserved", u8(0))]
           + [("leaf%d" % i, LEAVES[i]) for i in range(7)])),
    ("Data", "DATA", "fragment 3, pass 1, 16 bytes 00..0f (a short fragment to keep the example small)",
     frame(4, 0x202, SESSION, DONOR_ID, [("index", u32(3)), ("pass", u16(1)), ("reserved", u16(0)), ("fragment", bytes(range(16)))])),
    ("StatusRequest", "STATUS_REQUEST", "round 1, window 500 ms, max 128 ranges, all members",
     frame(5, 0x203, SESSION, DONOR_ID, [("round", u32(1)), ("window", u16(500)), ("maxranges", u16(128)), ("target", u64(0))])),
    ("StatusRanges", "STATUS (ranges)", "round 1, held 4, 1 corrupted, 2 forged, missing [1,2) and [4,6)",
     frame(6, 0x103, SESSION, CLIENT_ID, [("round", u32(1)), ("kind", u8(1)), ("flags", u8(0)), ("count", u16(2)), ("held", u32(4)),
                                           ("corrupted", u32(1)), ("forged", u32(2)), ("token", u64(TOKEN)),
                                           ("range0", u32(1) + u32(1)), ("range1", u32(4) + u32(2))])),
    ("StatusComplete", "STATUS (complete)", "round 2, held 7",
     frame(6, 0x104, SESSION, CLIENT_ID, [("round", u32(2)), ("kind", u8(0)), ("flags", u8(0)), ("count", u16(0)), ("held", u32(7)),
                                           ("corrupted", u32(1)), ("forged", u32(2)), ("token", u64(TOKEN))])),
    ("StatusBitmap", "STATUS (bitmap)", "round 1, window start 0, bitmap 0x32 = fragments 1, 4, 5",
     frame(6, 0x105, SESSION, CLIENT_ID, [("round", u32(1)), ("kind", u8(2)), ("flags", u8(0)), ("count", u16(1)), ("held", u32(4)),
                                           ("corrupted", u32(1)), ("forged", u32(2)), ("token", u64(TOKEN)),
                                           ("start", u32(0)), ("bits", u8(0x32))])),
    ("Result", "RESULT", "success, firmware now 0x00010002",
     frame(7, 0x106, SESSION, CLIENT_ID, [("imageid", u64(IMAGE_ID)), ("outcome", u8(0)), ("reserved", u8(0)), ("reason", u16(0)),
                                          ("version", u32(0x00010002)), ("token", u64(TOKEN))])),
    ("ResultAck", "RESULT_ACK", "acknowledges RESULT 0x106 with its token",
     frame(8, 0x204, SESSION, DONOR_ID, [("inreplyto", u32(0x106)), ("token", u64(TOKEN))])),
    ("Abort", "ABORT", "reason 1 (donor shutdown) to the member with token 0x0123456789ABCDEF, abort key A0..AF",
     frame(9, 0x205, SESSION, DONOR_ID, [("reason", u16(1)), ("reserved", u16(0)), ("token", u64(TOKEN)), ("key", ABORT_KEY)])),
]


def cs():
    print("    public const string ManifestRootHex = \"%s\";" % ROOT.hex().upper())
    print("    public const string AbortCommitmentHex = \"%s\";" % COMMITMENT.hex().upper())
    print("    public const string AbortKeyHex = \"%s\";" % ABORT_KEY.hex().upper())
    for name, _, _, fields in EXAMPLES:
        parts = ['"%s"' % f.hex().upper() for _, f in fields]
        lines, line = [], []
        for p in parts:
            line.append(p)
            if sum(len(x) for x in line) > 90:
                lines.append(" + ".join(line)); line = []
        if line:
            lines.append(" + ".join(line))
        print()
        print("    public const string %s =" % name)
        print("        " + "\n        + ".join(lines) + ";")


def md():
    print("| example | what it says |\n| --- | --- |")
    for _, title, what, _ in EXAMPLES:
        print("| %s | %s |" % (title, what))
    for _, title, _, fields in EXAMPLES:
        data = b"".join(f for _, f in fields)
        print("\n**%s** (%d bytes)\n```" % (title, len(data)))
        for off in range(0, len(data), 16):
            print("%04x  %s" % (off, " ".join("%02x" % b for b in data[off:off + 16])))
        print("```")


if __name__ == "__main__":
    {"cs": cs, "md": md}[sys.argv[1] if len(sys.argv) > 1 else "md"]()
