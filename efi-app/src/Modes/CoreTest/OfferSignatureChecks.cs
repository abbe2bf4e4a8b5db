#if PORTABLE_CORE
using System.Buffers.Binary;
using UefiRecovery.Core.Crypto;
using UefiRecovery.Core.Protocol.Manifest;

namespace UefiRecovery.Efi.Modes.CoreTest;

/// <summary>
/// The costs the hostile-LAN protections add, measured in the firmware (docs/protocol.md §5.4, §6.8): a signed
/// OFFER made on the host with a fresh RSA-2048 key (OFFER.BIN, the key's modulus hash in OFFERKEY.BIN,
/// requester id <see cref="RequesterId"/>) must verify, and must not once one byte or the requester changes;
/// the time of one signature check and of the manifest's leaf hash per 1432-byte fragment are printed.
/// </summary>
internal static unsafe class OfferSignatureChecks
{
    /// <summary>The requester the host signed OFFER.BIN for (qemu-tests CoreTestBootTests uses the same value).</summary>
    public const ulong RequesterId = 0x0000525400123456;

    /// <summary>The requester's address the host signed for (192.168.100.20).</summary>
    public const uint RequesterAddress = 0xC0A86414;

    private const int Repeats = 8;
    private const int LeafRuns = 2000;

    public static void Run(CoreTestReport report, EspFileReader? esp)
    {
        if (esp == null)
            return;
        // One byte of room each: the reader refuses a file that fills its buffer (it could be longer).
        byte[] file = new byte[OfferSignature.SignedDatagramLength + 1];
        byte[] keyFile = new byte[Sha256.DigestSize + 1];
        bool loaded = esp.TryReadAll(CapsuleChecks.Folder + "OFFER.BIN", file) == OfferSignature.SignedDatagramLength
            && esp.TryReadAll(CapsuleChecks.Folder + "OFFERKEY.BIN", keyFile) == Sha256.DigestSize;
        byte[] offer = new byte[OfferSignature.SignedDatagramLength];
        byte[] key = new byte[Sha256.DigestSize];
        new ReadOnlySpan<byte>(file, 0, offer.Length).CopyTo(offer);
        new ReadOnlySpan<byte>(keyFile, 0, key.Length).CopyTo(key);
        report.Check("offer.signed-offer-loaded", loaded);
        if (!loaded)
            return;

        Sha256 sha = new Sha256();
        bool valid = Check(offer, RequesterId, RequesterAddress, key, sha) == OfferSignatureCheck.Valid;
        long start = MonotonicClock.Now.Milliseconds;
        for (int i = 0; i < Repeats; i++)
            valid &= Check(offer, RequesterId, RequesterAddress, key, sha) == OfferSignatureCheck.Valid;
        long elapsed = MonotonicClock.Now.Milliseconds - start;
        report.Check("offer.signature-valid", valid);
        report.Check("offer.other-requester-rejected", Check(offer, RequesterId + 1, RequesterAddress, key, sha) == OfferSignatureCheck.BadSignature
            && Check(offer, RequesterId, RequesterAddress + 1, key, sha) == OfferSignatureCheck.BadSignature);
        offer[40] ^= 0x01; // the image id: what the signature exists to protect
        FixCrc(offer);
        report.Check("offer.changed-field-rejected", Check(offer, RequesterId, RequesterAddress, key, sha) == OfferSignatureCheck.BadSignature);
        key[0] ^= 0x01;
        report.Check("offer.untrusted-key-rejected", Check(offer, RequesterId, RequesterAddress, key, sha) == OfferSignatureCheck.UntrustedKey);

        byte[] fragment = new byte[1432];
        PortableManifestHash hash = new PortableManifestHash();
        long leafStart = MonotonicClock.Now.Milliseconds;
        ulong sink = 0;
        for (uint i = 0; i < LeafRuns; i++)
            sink ^= hash.Leaf(0x1D, i, fragment).Low;
        long leafElapsed = MonotonicClock.Now.Milliseconds - leafStart;

        new ConsoleLine(stackalloc char[200]).Append("CORETEST TIME offer-signature runs=").AppendDecimal((ulong)Repeats)
            .Append(" total_ms=").AppendDecimal((ulong)elapsed)
            .Append(" manifest-leaf runs=").AppendDecimal((ulong)LeafRuns).Append(" bytes=1432 total_ms=").AppendDecimal((ulong)leafElapsed)
            .Append(" check=").AppendHex(sink & 0xFF, 2)
            .WriteLine(report.Console);
    }

    private static OfferSignatureCheck Check(byte[] offer, ulong requester, uint address, byte[] key, Sha256 sha)
    {
        if (MessageFrame.TryParse(offer, out MessageFrame frame) != WireStatus.Ok)
            return OfferSignatureCheck.None;
        return OfferSignature.Check(frame, requester, address, key, sha);
    }

    private static void FixCrc(byte[] datagram)
    {
        BinaryPrimitives.WriteUInt32BigEndian(new Span<byte>(datagram, MessageHeader.CrcOffset, 4), MessageHeader.ComputeMessageCrc(datagram));
    }
}
#endif
