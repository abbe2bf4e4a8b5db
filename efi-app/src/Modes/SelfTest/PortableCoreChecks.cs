using UefiRecovery.Core.Crypto;
using UefiRecovery.Netstack.Wire;

namespace UefiRecovery.Efi.Modes.SelfTest;

/// <summary>
/// Smoke checks that run real portable-core code (recovery-core, netstack) on the shim, with answers
/// from their specifications: heavier code than the runtime checks (loops, 32-bit rotations,
/// ref-struct views) compiled by ILC against runtime-shim.
/// </summary>
internal static class PortableCoreChecks
{
    // FIPS 180-4 example (NIST CSRC "SHA256.pdf"): SHA-256("abc").
    private static ReadOnlySpan<byte> Sha256OfAbc => new byte[]
    {
        0xBA, 0x78, 0x16, 0xBF, 0x8F, 0x01, 0xCF, 0xEA, 0x41, 0x41, 0x40, 0xDE, 0x5D, 0xAE, 0x22, 0x23,
        0xB0, 0x03, 0x61, 0xA3, 0x96, 0x17, 0x7A, 0x9C, 0xB4, 0x10, 0xFF, 0x61, 0xF2, 0x00, 0x15, 0xAD,
    };

    // RFC 1071 §3 / the classic example header (Wikipedia "IPv4 header checksum"): checksum 0xB861.
    private static ReadOnlySpan<byte> Ipv4Header => new byte[]
    {
        0x45, 0x00, 0x00, 0x73, 0x00, 0x00, 0x40, 0x00, 0x40, 0x11, 0x00, 0x00, 0xC0, 0xA8, 0x00, 0x01,
        0xC0, 0xA8, 0x00, 0xC7,
    };

    public static void Run(ISelfTestSink sink)
    {
        Span<byte> digest = stackalloc byte[32];
        bool hashed = Sha256.Hash("abc"u8, digest);
        sink.Check("core.sha256-abc", hashed && digest.SequenceEqual(Sha256OfAbc));

        sink.Check("core.ipv4-header-checksum", Checksum.Compute(Ipv4Header) == 0xB861);
    }
}
