using UefiRecovery.Efi.Uefi.Raw;
using MacAddress = UefiRecovery.Efi.Uefi.Raw.MacAddress;

namespace UefiRecovery.Efi.Uefi;

/// <summary>A frame SNP Receive delivered (UEFI 2.10 §24.1.14). Exists only for a successful Receive.</summary>
public readonly struct ReceivedFrame
{
    public ReceivedFrame(int length, int headerSize, MacAddress source, MacAddress destination, ushort protocol)
    {
        Length = length;
        HeaderSize = headerSize;
        Source = source;
        Destination = destination;
        Protocol = protocol;
    }

    /// <summary>Bytes written to the buffer, media header included.</summary>
    public int Length { get; }

    /// <summary>The media header's size (14 for Ethernet).</summary>
    public int HeaderSize { get; }

    public MacAddress Source { get; }
    public MacAddress Destination { get; }

    /// <summary>The EtherType as SNP reports it.</summary>
    public ushort Protocol { get; }
}
