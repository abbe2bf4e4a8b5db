using System;
using System.Security.Cryptography;
using UefiRecovery.Core.Crypto;
using UefiRecovery.Core.Protocol.Wire;

namespace UefiRecovery.Manager.Instructing;

/// <summary>What an instruction names: its machine, where the booted app reports, and what it is to get (for the log).</summary>
internal readonly record struct InstructionTarget(ulong Mac, SystemUuid Uuid, ManagerList Managers, ImageTypeId ImageType, uint ImageVersion, int ExpiresSeconds);

/// <summary>One signed RECOVERY_INSTRUCTION datagram (648 bytes) and the values it carries.</summary>
internal sealed record SignedInstruction(ulong Id, ulong Counter, ulong ExpiryUnixSeconds, byte[] Datagram, string KeyTag);

/// <summary>
/// Signs RECOVERY_INSTRUCTIONs with the manager's instruction key (docs/protocol.md §4.11): a random nonzero id,
/// the next counter of <see cref="InstructionCounter"/> (stored before the datagram exists), the expiry. Used by
/// `instruct` and by `serve`'s POST /instructions; one instance may be called from several threads.
/// </summary>
internal sealed class InstructionSigner : IDisposable
{
    private readonly RSA _rsa;
    private readonly byte[] _modulus;
    private readonly string _counterPath;
    private readonly object _gate = new();

    private InstructionSigner(RSA rsa, byte[] modulus, string counterPath)
    {
        _rsa = rsa;
        _modulus = modulus;
        _counterPath = counterPath;
        KeyTag = Convert.ToHexStringLower(SHA256.HashData(modulus)).Substring(0, 16);
    }

    /// <summary>The first 8 bytes of SHA-256 over the modulus, hex: how the agent names the key in its log.</summary>
    public string KeyTag { get; }

    public string CounterPath => _counterPath;

    /// <summary>Loads the key (<see cref="InstructionKeyFile"/>); the counter lives in <paramref name="counterPath"/>, default the key file + .counter.</summary>
    public static bool TryLoad(string keyPath, string? counterPath, out InstructionSigner? signer, out string error)
    {
        signer = null;
        if (!InstructionKeyFile.TryLoad(keyPath, out RSA? rsa, out byte[] modulus, out error)) return false;
        signer = new InstructionSigner(rsa!, modulus, counterPath ?? keyPath + ".counter");
        return true;
    }

    public bool TrySign(in InstructionTarget target, ulong senderId, DateTimeOffset now, out SignedInstruction? signed, out string error)
    {
        signed = null;
        lock (_gate)
        {
            if (!InstructionCounter.TryTakeNext(_counterPath, now, out ulong counter, out error)) return false;
            ulong id = 0;
            while (id == 0) id = BitConverter.ToUInt64(RandomNumberGenerator.GetBytes(8));
            ulong expiry = (ulong)now.ToUnixTimeSeconds() + (ulong)target.ExpiresSeconds;
            var instruction = new InstructionMessage(id, counter, expiry, target.Mac, target.Uuid, target.ImageType, target.ImageVersion, target.Managers);
            byte[] datagram = new byte[InstructionSignature.DatagramLength];
            uint messageId = BitConverter.ToUInt32(RandomNumberGenerator.GetBytes(4));
            WireStatus status = instruction.TryBeginEmit(datagram, new MessageIds(messageId, 0, senderId == 0 ? 1 : senderId), _modulus);
            byte[] digest = new byte[Sha256.DigestSize];
            if (status != WireStatus.Ok || !InstructionSignature.TryComputeDigest(datagram, new Sha256(), digest))
            {
                error = "cannot encode the instruction: " + status;
                return false;
            }
            byte[] signature = _rsa.SignHash(digest, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
            InstructionSignature.TryFinish(datagram, signature, out _);
            signed = new SignedInstruction(id, counter, expiry, datagram, KeyTag);
            return true;
        }
    }

    public void Dispose() => _rsa.Dispose();
}
