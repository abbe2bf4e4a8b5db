using System;
using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;
using UefiRecovery.Core.Protocol.Wire;

namespace UefiRecovery.Manager.Serving.Sessions;

/// <summary>Ids the manager puts on the wire: its own sender id, image ids and image type ids.</summary>
public static class DonorIdentity
{
    /// <summary>
    /// A stable nonzero sender id from the donor name and listen port: two donors on one host differ,
    /// and a restarted donor keeps its id. The top bit is set so it never looks like a MAC-based client id.
    /// </summary>
    public static ulong SenderIdFor(string donorName, int port)
    {
        byte[] hash = SHA256.HashData(Encoding.UTF8.GetBytes(donorName + ":" + port.ToString(System.Globalization.CultureInfo.InvariantCulture)));
        return BinaryPrimitives.ReadUInt64BigEndian(hash) | (1UL << 63);
    }

    /// <summary>Image id: the first 8 bytes of the capsule's SHA-256, big-endian (docs/protocol.md §4.2).</summary>
    public static ulong ImageIdFor(ReadOnlySpan<byte> sha256)
    {
        ulong id = BinaryPrimitives.ReadUInt64BigEndian(sha256);
        return id == 0 ? 1 : id;
    }

    /// <summary>The GUID's 16 bytes in EFI (in-capsule) byte order, which is what .NET's Guid layout writes.</summary>
    public static ImageTypeId TypeIdFor(Guid guid)
    {
        Span<byte> bytes = stackalloc byte[16];
        guid.TryWriteBytes(bytes);
        ImageTypeId.TryRead(bytes, out ImageTypeId id);
        return id;
    }

    public static uint AddressToWire(System.Net.IPAddress address)
    {
        Span<byte> b = stackalloc byte[4];
        address.TryWriteBytes(b, out _);
        return BinaryPrimitives.ReadUInt32BigEndian(b);
    }
}
