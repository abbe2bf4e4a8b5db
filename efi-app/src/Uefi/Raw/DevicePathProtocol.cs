using System.Runtime.InteropServices;

namespace UefiRecovery.Efi.Uefi.Raw;

/// <summary>
/// EFI_DEVICE_PATH_PROTOCOL (UEFI 2.10 §10.2): the 4-byte header every device path node starts with.
/// Nodes are byte-packed and unaligned; Length is UINT8[2], little-endian, and covers the whole node.
/// </summary>
[StructLayout(LayoutKind.Sequential, Pack = 1)]
public unsafe struct DevicePathProtocol : IUefiProtocol
{
    public static EfiGuid Guid => new(0x09576E91, 0x6D3F, 0x11D2, 0x8E, 0x39, 0x00, 0xA0, 0xC9, 0x69, 0x72, 0x3B);

    public byte Type;
    public byte SubType;
    public fixed byte Length[2];

    /// <summary>The node length assembled from the two Length bytes.</summary>
    public readonly ushort NodeLength => (ushort)(Length[0] | (Length[1] << 8));
}
