using System;
using System.Collections.Generic;
using UefiRecovery.Core.Protocol;
using UefiRecovery.Core.Protocol.Wire;

namespace UefiRecovery.Fuzz.Seeds;

/// <summary>
/// Seeds for the protocol target, made at run time by the codec's own emit functions: one valid datagram
/// of each message (and each STATUS kind), so the corpus follows the codec when fields or versions change.
/// Each seed is the control byte 1 (repair the CRC, see ProtocolTarget) followed by the datagram.
/// When a message type is added, add its emit here (ProtocolSeedTests checks every parser has a seed).
/// </summary>
public static class ProtocolSeeds
{
    private const ulong ClientId = 0x0000_5254_0012_3456;
    private const ulong DonorId = 0x4D41_4E41_4745_5231;
    private const uint Session = 0x1A2B_3C4D;
    private const ulong ImageId = 0xC8F5_D034_1D54_D951;
    private const ulong Token = 0x0123_4567_89AB_CDEF;

    public static IEnumerable<(string Name, byte[] Data)> All()
    {
        byte[] buffer = new byte[ProtocolLimits.MaxDatagram];
        ImageTypeId.TryRead(Convert.FromHexString("1B1A3C6E4D3F0E4F9C642A5D8B1F7E10"), out ImageTypeId imageType);
        var client = new MessageIds(0x101, 0, ClientId);
        var clientInSession = new MessageIds(0x102, Session, ClientId);
        var donor = new MessageIds(0x201, Session, DonorId);
        int n;

        new RequestMessage(imageType, 0x0001_0001, 0x0001_0000, 0x5254_0012_3456, ProtocolLimits.DefaultDatagram,
            0xC0A8_6414, 0, RequestReason.FirmwareInvalid, DeliveryModes.All).TryEmit(buffer, client, out n);
        yield return Seed("request", buffer, n);

        FragmentGeometry.TryCreate(10_000, 1432, 7, out FragmentGeometry geometry);
        var binding = new OfferBinding(Token, new Hash128(0x4B3D_B296_46E5_FAFC, 0xDE05_35F0_3EC8_B2B9), 3, new Hash128(1, 2));
        var offer = new OfferMessage(0x101, ImageId, imageType, 0x0001_0002, 0x0001_0000, geometry, DeliveryMode.Broadcast,
            0xC0A8_64FF, ProtocolConstants.ClientPort, 3, binding);
        offer.TryEmit(buffer, donor, out n);
        yield return Seed("offer", buffer, n);

        // A signed OFFER's layout (modulus and signature bytes are not checked by the codec).
        byte[] modulus = new byte[OfferSignature.Rsa2048Bytes];
        modulus[0] = 0xC3;
        offer.TryBeginSignedEmit(buffer, donor, modulus);
        OfferSignature.TryFinish(buffer, new byte[OfferSignature.Rsa2048Bytes], out n);
        yield return Seed("offer-signed", buffer, n);

        byte[] leaves = new byte[7 * Hash128.Length];
        leaves[0] = 0xBE;
        ManifestMessage.TryEmit(buffer, donor, 0, leaves, ReadOnlySpan<byte>.Empty, out n);
        yield return Seed("manifest", buffer, n);

        new AcceptMessage(0x201, ImageId, 0, Token).TryEmit(buffer, clientInSession, out n);
        yield return Seed("accept", buffer, n);

        DataMessage.TryEmit(buffer, donor, 3, 1, new byte[] { 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15 }, out n);
        yield return Seed("data", buffer, n);

        new StatusRequestMessage(1, 500, 128, 0).TryEmit(buffer, donor, out n);
        yield return Seed("status-request", buffer, n);

        StatusMessage.TryEmitComplete(buffer, clientInSession, new StatusReport(2, 7, 1, 0, Token), out n);
        yield return Seed("status-complete", buffer, n);

        StatusMessage.TryEmitRanges(buffer, clientInSession, new StatusReport(1, 4, 1, 2, Token), false,
            new[] { new NackRange(1, 1), new NackRange(4, 2) }, out n);
        yield return Seed("status-ranges", buffer, n);

        StatusMessage.TryEmitBitmap(buffer, clientInSession, new StatusReport(1, 4, 1, 0, Token), true, 0, new byte[] { 0x32, 0x01 }, out n);
        yield return Seed("status-bitmap", buffer, n);

        StatusMessage.TryEmitBlockCounts(buffer, clientInSession, new StatusReport(1, 4, 1, 0, Token), false, 0, new byte[] { 0x83, 2, 0 }, out n);
        yield return Seed("status-block-counts", buffer, n);

        ParityMessage.TryEmit(buffer, donor, 0, 3, 1, new byte[] { 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15 }, out n);
        yield return Seed("parity", buffer, n);

        new ResultMessage(ImageId, ResultOutcome.Success, ResultReason.None, 0x0001_0002, Token).TryEmit(buffer, clientInSession, out n);
        yield return Seed("result", buffer, n);

        new ResultAckMessage(0x106, Token).TryEmit(buffer, donor, out n);
        yield return Seed("result-ack", buffer, n);

        new AbortMessage(AbortReason.DonorShutdown, Token, new Hash128(0xA0A1_A2A3_A4A5_A6A7, 0xA8A9_AAAB_ACAD_AEAF)).TryEmit(buffer, donor, out n);
        yield return Seed("abort", buffer, n);

        // Manager-initiated recovery (§4.11-§4.13). The instruction's modulus and signature are not checked by the codec.
        var uuid = new SystemUuid(0x5EE6_D83B_8A3C_4B53, 0x9F3D_1C7F_0E2A_6B41);
        new InstructionMessage(0x1122_3344_5566_7788, 5, 1_893_456_000, 0x5254_0012_3456, uuid, imageType, 0x0001_0002,
            ManagerList.Of(new DatagramEndpoint(0xC0A8_6401, ProtocolConstants.DonorPort))).TryBeginEmit(buffer, new MessageIds(0x301, 0, DonorId), modulus);
        InstructionSignature.TryFinish(buffer, new byte[OfferSignature.Rsa2048Bytes], out n);
        yield return Seed("instruction", buffer, n);

        new ReadinessMessage(0x1122_3344_5566_7788, 0x5254_0012_3456, uuid, imageType, 0x0001_0001, 0xC0A8_6414).TryEmit(buffer, client, out n);
        yield return Seed("readiness", buffer, n);

        new AgentReportMessage(0x1122_3344_5566_7788, 5, 0x5254_0012_3456, AgentState.Rebooting, uuid, AgentFailure.None, 5)
            .TryEmit(buffer, new MessageIds(0x401, 0, ClientId), "edk2-stable202211"u8, out n);
        yield return Seed("agent-report", buffer, n);
    }

    private static (string, byte[]) Seed(string name, byte[] buffer, int length)
    {
        if (length <= 0) throw new InvalidOperationException("the codec refused to emit the " + name + " seed");
        byte[] seed = new byte[1 + length];
        seed[0] = 1;
        buffer.AsSpan(0, length).CopyTo(seed.AsSpan(1));
        return (name, seed);
    }
}
