using System;
using System.Collections.Generic;
using System.Globalization;
using System.Security.Cryptography;
using UefiRecovery.Agent.Machine;
using UefiRecovery.Core.Crypto;
using UefiRecovery.Core.Protocol.Wire;

namespace UefiRecovery.Agent.Instructions;

/// <summary>
/// Decides whether a datagram is an instruction this machine must follow (docs/protocol.md §4.11): well formed,
/// signed by an installed key, for this machine's MAC and system UUID, not expired, and with a counter above the
/// last one taken under that key. On acceptance the counter is stored first (atomically), so the same
/// instruction can never be taken twice, even across a crash right after it was acted on.
/// </summary>
internal sealed class InstructionVerifier
{
    private readonly IReadOnlyList<InstructionKey> _keys;
    private readonly CounterStore _counters;
    private readonly TimeProvider _time;
    private readonly Sha256 _sha = new Sha256();

    public InstructionVerifier(IReadOnlyList<InstructionKey> keys, CounterStore counters, TimeProvider time)
    {
        _keys = keys;
        _counters = counters;
        _time = time;
    }

    public InstructionVerdict Verify(ReadOnlySpan<byte> datagram, MachineIdentity machine)
    {
        WireStatus status = MessageFrame.TryParse(datagram, out MessageFrame frame);
        if (status != WireStatus.Ok)
        {
            return InstructionVerdict.Reject(InstructionRejection.Malformed, "frame: " + status);
        }
        status = InstructionMessage.TryParse(frame, out InstructionMessage instruction);
        if (status != WireStatus.Ok)
        {
            return InstructionVerdict.Reject(InstructionRejection.Malformed, frame.Type + ": " + status);
        }
        InstructionKey? key = FindKey(InstructionSignature.Modulus(datagram));
        if (key == null)
        {
            return InstructionVerdict.Reject(InstructionRejection.UntrustedKey,
                "modulus " + Convert.ToHexStringLower(SHA256.HashData(InstructionSignature.Modulus(datagram)).AsSpan(0, 8)) + " is not an installed key", instruction);
        }
        Span<byte> digest = stackalloc byte[Sha256.DigestSize];
        if (!InstructionSignature.TryComputeDigest(datagram, _sha, digest)
            || !key.Rsa.VerifyHash(digest, InstructionSignature.Signature(datagram), HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1))
        {
            return InstructionVerdict.Reject(InstructionRejection.BadSignature, "signature does not verify with key " + key.Id, instruction, key);
        }
        if (!machine.HasMac(instruction.TargetMac))
        {
            return InstructionVerdict.Reject(InstructionRejection.OtherMachine,
                "target MAC " + MachineIdentity.FormatMac(instruction.TargetMac) + " is none of this machine's NICs", instruction, key);
        }
        if (machine.Uuid == null || !machine.Uuid.Value.Equals(instruction.TargetUuid))
        {
            return InstructionVerdict.Reject(InstructionRejection.OtherMachine,
                "target system UUID " + MachineIdentity.FormatUuid(instruction.TargetUuid) + " is not this machine's ("
                + (machine.Uuid == null ? "unreadable: " + machine.Problem : MachineIdentity.FormatUuid(machine.Uuid.Value)) + ")", instruction, key);
        }
        long now = _time.GetUtcNow().ToUnixTimeSeconds();
        if (now < 0 || (ulong)now >= instruction.ExpiryUnixSeconds)
        {
            return InstructionVerdict.Reject(InstructionRejection.Expired,
                "expired at " + DateTimeOffset.FromUnixTimeSeconds((long)Math.Min(instruction.ExpiryUnixSeconds, 253402300799UL)).ToString("u", CultureInfo.InvariantCulture)
                + ", now " + _time.GetUtcNow().ToString("u", CultureInfo.InvariantCulture), instruction, key);
        }
        if (!_counters.TryGet(key.Id, out ulong last, out string error))
        {
            return InstructionVerdict.Reject(InstructionRejection.CounterStoreFailed, error, instruction, key);
        }
        if (instruction.Counter <= last)
        {
            return InstructionVerdict.Reject(InstructionRejection.Replayed,
                "counter " + instruction.Counter + " is not above " + last + ", the last taken under key " + key.Id, instruction, key);
        }
        if (!_counters.TrySet(key.Id, instruction.Counter, out error))
        {
            return InstructionVerdict.Reject(InstructionRejection.CounterStoreFailed, error, instruction, key);
        }
        return InstructionVerdict.Accept(instruction, key);
    }

    private InstructionKey? FindKey(ReadOnlySpan<byte> modulus)
    {
        foreach (InstructionKey key in _keys)
        {
            if (modulus.SequenceEqual(key.Modulus))
            {
                return key;
            }
        }
        return null;
    }
}
