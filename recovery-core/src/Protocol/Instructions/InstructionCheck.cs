using System;
using UefiRecovery.Core.Config;
using UefiRecovery.Core.Crypto;
using UefiRecovery.Core.Protocol.Wire;

namespace UefiRecovery.Core.Protocol.Instructions;

/// <summary>
/// The app's check of the RECOVERY_INSTRUCTION the OS agent stored in <c>UefiRecoveryInstruction</c> (docs/protocol.md
/// §4.11): the OS wrote that variable, so the app trusts nothing in it that the signature does not cover. The same
/// steps as the agent's, with the app's anchors: the keys come from <c>uefirecovery.trust.instruction</c> (a protected
/// key), the counter from a boot-services-only variable the OS cannot write. The MAC is checked apart
/// (<see cref="TargetsMac"/>), once the NIC is open. Allocates nothing.
/// </summary>
public static class InstructionCheck
{
    private static ReadOnlySpan<byte> PublicExponent => new byte[] { 0x01, 0x00, 0x01 };

    /// <summary>
    /// Checks <paramref name="datagram"/> in the agent's order and stops at the first failed step.
    /// <paramref name="nowUnixSeconds"/> comes from the real-time clock, which the OS can set: the expiry is a
    /// second line; the counter (above <paramref name="lastCounter"/>) is what stops a replay.
    /// </summary>
    public static InstructionCheckResult Check(
        ReadOnlySpan<byte> datagram, KeyHashList trustedKeys, Sha256 sha, in SystemUuid ownUuid, ulong lastCounter,
        ulong nowUnixSeconds, out InstructionMessage instruction)
    {
        instruction = default;
        if (MessageFrame.TryParse(datagram, out MessageFrame frame) != WireStatus.Ok
            || InstructionMessage.TryParse(frame, out InstructionMessage parsed) != WireStatus.Ok)
            return InstructionCheckResult.Malformed;
        if (trustedKeys.Count == 0)
            return InstructionCheckResult.NoTrustedKeys;
        ReadOnlySpan<byte> modulus = InstructionSignature.Modulus(datagram);
        Span<byte> digest = stackalloc byte[Sha256.DigestSize];
        if (!Sha256.Hash(modulus, digest) || !trustedKeys.Contains(digest))
            return InstructionCheckResult.UntrustedKey;
        if (!InstructionSignature.TryComputeDigest(datagram, sha, digest)
            || RsaPkcs1Verifier.Verify(modulus, PublicExponent, digest, InstructionSignature.Signature(datagram)) != RsaVerifyResult.Valid)
            return InstructionCheckResult.BadSignature;
        // Only signed fields from here on.
        instruction = parsed;
        if (ownUuid.IsUnset || !ownUuid.Equals(parsed.TargetUuid))
            return InstructionCheckResult.OtherMachine;
        if (nowUnixSeconds >= parsed.ExpiryUnixSeconds)
            return InstructionCheckResult.Expired;
        if (parsed.Counter <= lastCounter)
            return InstructionCheckResult.Replayed;
        return InstructionCheckResult.Valid;
    }

    /// <summary>The second half of "for this machine": the instruction names this NIC's MAC (low 48 bits).</summary>
    public static bool TargetsMac(in InstructionMessage instruction, ulong mac) => instruction.TargetMac == mac;
}
