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


# Manager-initiated recovery (§4.11-§4.13). The instruction key is a throwaway RSA-2048 test key, made for
# this annex only; the signature is RSASSA-PKCS1-v1_5 computed here with pow(), not by a crypto library.
INSTRUCTION_KEY_N = int(
    "c966e933aba5497ae0f908487476586b26b92663fc8d9bccc401220b0949fda4c580f2f26f45bd07999ca57a5a00751284279bf94bd84b0023275462d147c90144375cd729f67bc23aa8687e2d24992d4644b69caea3bdbc4ab23594f5a0646ccfab7e08bf26d13b282f21ce069df529292feefeffaf499c4320e7ae4fc00371d3b8603b92d3d3e7b8653e0b7690d9f523f4481309a9d506c474ba53b06abe292f1036784328c96f0735726256fd0bee6772b1d3717a2f20a2f360a46a26b63a8227379cd825cbc0cb2d5165be167334fc30a36b08613028a580080ffbe9cd666dec47c7e1b378a0d5b6422a7ef5c30121294c9c491dc591795ca5e476700477", 16)
INSTRUCTION_KEY_D = int(
    "1b39a29f93533f737168534d7c14d2ba00078fa027853b00e5f9633be105beadb5ec75aafe6361275f055fbc8235c54850a8b6bb19f2189d61a3263df4c817ecbdbc757be3d6727f5c84e46f335f5afcd59eb7481c8c2790b050ebd10197d7762567d61c8ce921e7e0743d451cfc35a65a9a24b16ad32c07b2c406c837a14a0b0273a64051bd513ee709e37f8c35cff434ae8331276c47329a14cb7b2ff9306c7dc7de9e09d6b3cd573f037c22837459a38e0939a2c9c3a7be39cdf779c4177d3f305cc3b8fea8d6adb134f90423d3094cceb678e5822da39efb4662f4adefc2af22d78d0d52eb67bb68c1b822e59c4445eb49267188754719b98e05533e04e9", 16)
INSTRUCTION_ID = 0x1122334455667788
SYSTEM_UUID = bytes.fromhex("5EE6D83B8A3C4B539F3D1C7F0E2A6B41")   # 5ee6d83b-8a3c-4b53-9f3d-1c7f0e2a6b41
EXPIRY = 1893456000                                                 # 2030-01-01T00:00:00Z
SHA256_DIGESTINFO = bytes.fromhex("3031300d060960864801650304020105000420")


def rsa_pkcs1_sha256_sign(message):
    k = (INSTRUCTION_KEY_N.bit_length() + 7) // 8
    t = SHA256_DIGESTINFO + hashlib.sha256(message).digest()
    em = b"\x00\x01" + b"\xff" * (k - len(t) - 3) + b"\x00" + t
    return pow(int.from_bytes(em, "big"), INSTRUCTION_KEY_D, INSTRUCTION_KEY_N).to_bytes(k, "big")


def signed_instruction(message_id, fields):
    """Header + fixed fields + modulus; signature over all of it with the CRC field zero; CRC last."""
    modulus = INSTRUCTION_KEY_N.to_bytes(256, "big")
    unsigned = frame(0x10, message_id, 0, DONOR_ID, fields + [("modulus", modulus), ("signature", bytes(256))])
    data = b"".join(f for _, f in unsigned)
    head = data[:28] + bytes(4)                      # the CRC field taken as zero
    signature = rsa_pkcs1_sha256_sign(head + data[32:32 + 104 + 256])
    return frame(0x10, message_id, 0, DONOR_ID, fields + [("modulus", modulus), ("signature", signature)])


LEAVES, ROOT, DEPTH = manifest()
SHIFT = min(8, DEPTH)           # 7 fragments: one group of 8 (7 real leaves), no proof
COMMITMENT = h16(ABORT_KEY)


def frame(mtype, message_id, session, sender, fields):
    payload = b"".join(f for _, f in fields)
    head = struct.pack(">IBBHIIQHHI", MAGIC, VERSION, mtype, 0, message_id, session, sender, len(payload), 0, 0)
    crc = zlib.crc32(head + payload) & 0xFFFFFFFF
    head = head[:28] + struct.pack(">I", crc)
    return [("header", head)] + fields


def gf_mul(a, b):
    # GF(2^8) with x^8 + x^4 + x^3 + x^2 + 1 (0x11D), shift and add (docs/protocol.md §5.5), not the C# tables.
    product = 0
    while b:
        if b & 1:
            product ^= a
        a <<= 1
        if a & 0x100:
            a ^= 0x11D
        b >>= 1
    return product


def gf_inv(a):
    return next(x for x in range(1, 256) if gf_mul(a, x) == 1)


def parity(block, j):
    # Parity j of one block (§5.5): P_j = sum_i C(j, i) * S_i, C(j, i) = 1 / ((128 + j) XOR i), short fragment zero-padded.
    count = (len(block) + FRAGMENT - 1) // FRAGMENT
    out = bytearray(FRAGMENT)
    for i in range(count):
        c = gf_inv((128 + j) ^ i)
        source = block[i * FRAGMENT:(i + 1) * FRAGMENT]
        for k, s in enumerate(source):
            out[k] ^= gf_mul(c, s)
    return bytes(out)


PARITY_0 = parity(IMAGE, 0)  # the example image is one block of 7 fragments


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
    ("StatusBlockCounts", "STATUS (block counts)", "capability FEC1 (§5.5): round 1, held 4, block 0 needs 3 parity fragments and a MANIFEST",
     frame(6, 0x108, SESSION, CLIENT_ID, [("round", u32(1)), ("kind", u8(3)), ("flags", u8(0)), ("count", u16(1)), ("held", u32(4)),
                                           ("corrupted", u32(1)), ("forged", u32(2)), ("token", u64(TOKEN)),
                                           ("firstblock", u32(0)), ("counts", u8(0x83))])),
    ("Parity", "PARITY", "capability FEC1: block 0, parity 0, pass 1; the first 16 bytes of the example image's parity 0 (a short parity to keep the example small; a real one is 1432 bytes)",
     frame(0x0B, 0x207, SESSION, DONOR_ID, [("block", u32(0)), ("parity", u8(0)), ("reserved", u8(0)), ("pass", u16(1)),
                                             ("bytes", PARITY_0[:16])])),
    ("Result", "RESULT", "success, firmware now 0x00010002",
     frame(7, 0x106, SESSION, CLIENT_ID, [("imageid", u64(IMAGE_ID)), ("outcome", u8(0)), ("reserved", u8(0)), ("reason", u16(0)),
                                          ("version", u32(0x00010002)), ("token", u64(TOKEN))])),
    ("ResultAck", "RESULT_ACK", "acknowledges RESULT 0x106 with its token",
     frame(8, 0x204, SESSION, DONOR_ID, [("inreplyto", u32(0x106)), ("token", u64(TOKEN))])),
    ("Abort", "ABORT", "reason 1 (donor shutdown) to the member with token 0x0123456789ABCDEF, abort key A0..AF",
     frame(9, 0x205, SESSION, DONOR_ID, [("reason", u16(1)), ("reserved", u16(0)), ("token", u64(TOKEN)), ("key", ABORT_KEY)])),
    ("Instruction", "RECOVERY_INSTRUCTION", "instruction 0x1122334455667788, counter 5, expires 2030-01-01T00:00:00Z (1893456000), to MAC 52:54:00:12:34:56 with system UUID 5ee6d83b-8a3c-4b53-9f3d-1c7f0e2a6b41, image type as above at version 0x00010002, one manager 192.168.100.1:40123, signed with the annex's throwaway key",
     signed_instruction(0x301, [("id", u64(INSTRUCTION_ID)), ("counter", u64(5)), ("expiry", u64(EXPIRY)),
                                ("mac", bytes.fromhex("525400123456")), ("managers", u8(1)), ("sigkind", u8(1)),
                                ("uuid", SYSTEM_UUID), ("type", IMAGE_TYPE), ("version", u32(0x00010002)), ("reserved", u32(0)),
                                ("manager0", u32(0xC0A86401) + u16(40123) + u16(0)), ("manager1", bytes(8)),
                                ("manager2", bytes(8)), ("manager3", bytes(8))])),
    ("Readiness", "READINESS", "the app, booted for instruction 0x1122334455667788, at 192.168.100.20, firmware 0x00010001",
     frame(0x11, 0x107, 0, CLIENT_ID, [("id", u64(INSTRUCTION_ID)), ("mac", bytes.fromhex("525400123456")), ("reserved", u16(0)),
                                       ("uuid", SYSTEM_UUID), ("type", IMAGE_TYPE), ("current", u32(0x00010001)),
                                       ("ip", u32(0xC0A86414))])),
    ("AgentReport", "AGENT_REPORT", "instruction 0x1122334455667788 (counter 5) carried out: rebooting through Boot0005; BIOS version \"edk2-stable202211\"",
     frame(0x12, 0x401, 0, CLIENT_ID, [("id", u64(INSTRUCTION_ID)), ("counter", u64(5)), ("mac", bytes.fromhex("525400123456")),
                                       ("state", u8(1)), ("versionlength", u8(17)), ("uuid", SYSTEM_UUID), ("failure", u16(0)),
                                       ("bootentry", u16(5)), ("version", b"edk2-stable202211")])),
]


def cs():
    print("    public const string ManifestRootHex = \"%s\";" % ROOT.hex().upper())
    print("    public const string AbortCommitmentHex = \"%s\";" % COMMITMENT.hex().upper())
    print("    public const string AbortKeyHex = \"%s\";" % ABORT_KEY.hex().upper())
    print("    public const string ExampleParityZeroHex = \"%s\";" % PARITY_0.hex().upper())
    print("    public const string InstructionModulusHex =")
    print("        \"%s\";" % INSTRUCTION_KEY_N.to_bytes(256, "big").hex().upper())
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
