using System.Buffers.Binary;

namespace UefiRecovery.Efi.Uefi.Smbios;

/// <summary>
/// Validates the SMBIOS entry point structures (DMTF DSP0134 3.7 §5.2) found through the
/// SMBIOS_TABLE_GUID / SMBIOS3_TABLE_GUID configuration tables, and says where the structure table is.
/// Field offsets are those of <see cref="Raw.SmbiosEntryPoint"/> and <see cref="Raw.Smbios3EntryPoint"/>.
/// </summary>
public static class SmbiosEntryPoints
{
    /// <summary>Size of the 2.1 entry point (Table 1).</summary>
    public const int Length21 = 0x1F;

    /// <summary>Size of the 3.0 entry point (Table 2).</summary>
    public const int Length30 = 0x18;

    /// <summary>
    /// SMBIOS 2.1 said 1Eh where it meant 1Fh (DSP0134 §5.2.1 note), and firmware built to it still
    /// exists, so 1Eh is accepted; the checksum then covers 1Eh bytes.
    /// </summary>
    private const int Length21Erratum = 0x1E;

    // DSP0134 §5.2.1, Table 1.
    private const int Offset21Checksum = 0x04;
    private const int Offset21Length = 0x05;
    private const int Offset21Major = 0x06;
    private const int Offset21Minor = 0x07;
    private const int Offset21IntermediateAnchor = 0x10;
    private const int Offset21TableLength = 0x16;
    private const int Offset21TableAddress = 0x18;
    private const int Offset21StructureCount = 0x1C;
    private const int IntermediateLength = 0x0F;

    // DSP0134 §5.2.2, Table 2.
    private const int Offset30Length = 0x06;
    private const int Offset30Major = 0x07;
    private const int Offset30Minor = 0x08;
    private const int Offset30MaximumSize = 0x0C;
    private const int Offset30TableAddress = 0x10;

    private static ReadOnlySpan<byte> Anchor21 => new byte[] { (byte)'_', (byte)'S', (byte)'M', (byte)'_' };
    private static ReadOnlySpan<byte> AnchorDmi => new byte[] { (byte)'_', (byte)'D', (byte)'M', (byte)'I', (byte)'_' };
    private static ReadOnlySpan<byte> Anchor30 => new byte[] { (byte)'_', (byte)'S', (byte)'M', (byte)'3', (byte)'_' };

    /// <summary>
    /// The number of bytes to read at an entry point before it can be parsed: its EntryPointLength
    /// byte, which sits at offset 5 (2.1) or 6 (3.0). Lets the caller bound a read from firmware memory.
    /// </summary>
    public static int DeclaredLength(ReadOnlySpan<byte> firstBytes, bool is64Bit)
    {
        int offset = is64Bit ? Offset30Length : Offset21Length;
        return firstBytes.Length > offset ? firstBytes[offset] : 0;
    }

    /// <summary>Parses a 32-bit "_SM_" entry point. <paramref name="location"/> is default unless Valid.</summary>
    public static SmbiosEntryPointStatus TryParse21(ReadOnlySpan<byte> bytes, out SmbiosTableLocation location)
    {
        location = default;
        if (bytes.Length < Length21Erratum)
        {
            return SmbiosEntryPointStatus.Truncated;
        }

        if (!bytes.Slice(0, Anchor21.Length).SequenceEqual(Anchor21))
        {
            return SmbiosEntryPointStatus.BadAnchor;
        }

        int length = bytes[Offset21Length];
        if (length < Length21Erratum)
        {
            return SmbiosEntryPointStatus.BadLength;
        }

        if (length > bytes.Length)
        {
            return SmbiosEntryPointStatus.Truncated;
        }

        if (Sum(bytes.Slice(0, length)) != 0)
        {
            return SmbiosEntryPointStatus.BadChecksum;
        }

        if (!bytes.Slice(Offset21IntermediateAnchor, AnchorDmi.Length).SequenceEqual(AnchorDmi))
        {
            return SmbiosEntryPointStatus.BadIntermediateAnchor;
        }

        // The intermediate checksum covers 10h..1Eh; with the 1Eh erratum the last byte is absent.
        int intermediate = Math.Min(IntermediateLength, length - Offset21IntermediateAnchor);
        if (Sum(bytes.Slice(Offset21IntermediateAnchor, intermediate)) != 0)
        {
            return SmbiosEntryPointStatus.BadIntermediateChecksum;
        }

        location = new SmbiosTableLocation(
            BinaryPrimitives.ReadUInt32LittleEndian(bytes.Slice(Offset21TableAddress)),
            BinaryPrimitives.ReadUInt16LittleEndian(bytes.Slice(Offset21TableLength)),
            BinaryPrimitives.ReadUInt16LittleEndian(bytes.Slice(Offset21StructureCount)),
            bytes[Offset21Major],
            bytes[Offset21Minor],
            is64Bit: false);
        return SmbiosEntryPointStatus.Valid;
    }

    /// <summary>Parses a 64-bit "_SM3_" entry point. <paramref name="location"/> is default unless Valid.</summary>
    public static SmbiosEntryPointStatus TryParse30(ReadOnlySpan<byte> bytes, out SmbiosTableLocation location)
    {
        location = default;
        if (bytes.Length < Length30)
        {
            return SmbiosEntryPointStatus.Truncated;
        }

        if (!bytes.Slice(0, Anchor30.Length).SequenceEqual(Anchor30))
        {
            return SmbiosEntryPointStatus.BadAnchor;
        }

        int length = bytes[Offset30Length];
        if (length < Length30)
        {
            return SmbiosEntryPointStatus.BadLength;
        }

        if (length > bytes.Length)
        {
            return SmbiosEntryPointStatus.Truncated;
        }

        if (Sum(bytes.Slice(0, length)) != 0)
        {
            return SmbiosEntryPointStatus.BadChecksum;
        }

        location = new SmbiosTableLocation(
            BinaryPrimitives.ReadUInt64LittleEndian(bytes.Slice(Offset30TableAddress)),
            BinaryPrimitives.ReadUInt32LittleEndian(bytes.Slice(Offset30MaximumSize)),
            0,
            bytes[Offset30Major],
            bytes[Offset30Minor],
            is64Bit: true);
        return SmbiosEntryPointStatus.Valid;
    }

    private static byte Sum(ReadOnlySpan<byte> bytes)
    {
        byte sum = 0;
        for (int i = 0; i < bytes.Length; i++)
        {
            sum = unchecked((byte)(sum + bytes[i]));
        }

        return sum;
    }
}
