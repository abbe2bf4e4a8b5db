using System;
using System.Buffers.Binary;
using System.IO;
using System.Net;
using System.Security.Cryptography;
using System.Threading.Tasks;
using UefiRecovery.Core.Crypto;
using UefiRecovery.Core.Protocol;
using UefiRecovery.Core.Protocol.Wire;
using UefiRecovery.Testbed.Network;
using Xunit;

namespace UefiRecovery.QemuTests.Agent;

/// <summary>
/// RECOVERY_INSTRUCTION datagrams `instruct` never sends, built with the recovery-core codec and .NET's RSA: an
/// expired or low-counter one signed properly, an unsigned one, one tampered after signing (CRC repaired, so only the
/// signature can catch it); sent raw from a test namespace.
/// </summary>
internal static class CraftedInstruction
{
    public static byte[] Signed(string keyPath, ulong counter, DateTimeOffset expiry, string mac, string uuid, string managerAddress, ushort managerPort)
    {
        using RSA key = RSA.Create();
        key.ImportFromPem(File.ReadAllText(keyPath));
        var instruction = new InstructionMessage((ulong)Random.Shared.NextInt64(1, long.MaxValue), counter, (ulong)expiry.ToUnixTimeSeconds(),
            Convert.ToUInt64(mac.Replace(":", ""), 16), SystemUuid.Read(Guid.Parse(uuid).ToByteArray(bigEndian: true)), default, 0x00010002,
            ManagerList.Of(new DatagramEndpoint(BinaryPrimitives.ReadUInt32BigEndian(IPAddress.Parse(managerAddress).GetAddressBytes()), managerPort)));
        byte[] datagram = new byte[InstructionSignature.DatagramLength];
        Assert.Equal(WireStatus.Ok, instruction.TryBeginEmit(datagram, new MessageIds(1, 0, 0xD0000000000000A1), key.ExportParameters(false).Modulus!));
        byte[] digest = new byte[Sha256.DigestSize];
        Assert.True(InstructionSignature.TryComputeDigest(datagram, new Sha256(), digest));
        Assert.Equal(WireStatus.Ok, InstructionSignature.TryFinish(datagram, key.SignHash(digest, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1), out _));
        return datagram;
    }

    /// <summary>Signature kind 0 ("unsigned"), CRC repaired: a drop rule, there are no unsigned instructions.</summary>
    public static byte[] Unsigned(byte[] signed) => WithByte(signed, MessageHeader.Length + 31, 0);

    /// <summary>The manager's address changed after signing (one bit), CRC repaired: only the signature notices.</summary>
    public static byte[] Tampered(byte[] signed) => WithByte(signed, MessageHeader.Length + 75, (byte)(signed[MessageHeader.Length + 75] ^ 0x01));

    private static byte[] WithByte(byte[] signed, int offset, byte value)
    {
        byte[] copy = (byte[])signed.Clone();
        copy[offset] = value;
        BinaryPrimitives.WriteUInt32BigEndian(copy.AsSpan(MessageHeader.CrcOffset), MessageHeader.ComputeMessageCrc(copy));
        return copy;
    }

    /// <summary>Sends <paramref name="datagram"/> once over UDP from inside <paramref name="ns"/> (testbed's <see cref="UdpDatagramSender"/>).</summary>
    public static async Task SendAsync(NetworkNamespace ns, string directory, string name, byte[] datagram, string address, int port)
    {
        string? failure = await UdpDatagramSender.SendAsync(ns, directory, name, datagram, address, port);
        Assert.True(failure == null, failure);
    }
}
