using System.Buffers.Binary;

namespace UefiRecovery.Efi.Uefi.Smbios;

/// <summary>
/// IPMI Device Information (Type 38, DSP0134 3.7 §7.39): which system interface the BMC has and where its
/// registers are. QEMU publishes one for <c>isa-ipmi-kcs</c> (KCS, I/O ports CA2h/CA3h). The 16-byte form
/// of older tables has no modifier byte: registers on successive bytes, address bit 0 clear.
/// </summary>
public readonly struct SmbiosIpmiDevice
{
    public const byte StructureType = 38;
    public const byte KcsInterface = 1;

    /// <summary>Through the Base Address QWORD (offset 08h).</summary>
    public const int MinimumLength = 0x10;

    private SmbiosIpmiDevice(byte interfaceType, byte specRevision, ulong baseAddress, bool isIo, int registerSpacing)
    {
        InterfaceType = interfaceType;
        SpecRevision = specRevision;
        BaseAddress = baseAddress;
        IsIoSpace = isIo;
        RegisterSpacing = registerSpacing;
    }

    /// <summary>0 unknown, 1 KCS, 2 SMIC, 3 BT, 4 SSIF.</summary>
    public byte InterfaceType { get; }

    /// <summary>IPMI revision, BCD (20h = 2.0).</summary>
    public byte SpecRevision { get; }

    /// <summary>The first register's address, bit 0 from the modifier's LS-bit.</summary>
    public ulong BaseAddress { get; }

    public bool IsIoSpace { get; }

    /// <summary>Bytes between registers: 1, 4 or 16.</summary>
    public int RegisterSpacing { get; }

    /// <summary>The first type 38 structure of the table; false when there is none or it is too short or its spacing is reserved.</summary>
    public static bool TryFind(ReadOnlySpan<byte> table, int structureLimit, out SmbiosIpmiDevice device)
    {
        device = default;
        var walker = new SmbiosStructureWalker(table, structureLimit);
        while (walker.TryNext(out SmbiosStructure structure))
        {
            if (structure.Type == StructureType)
                return TryParse(structure.Formatted, out device);
        }
        return false;
    }

    public static bool TryParse(ReadOnlySpan<byte> formatted, out SmbiosIpmiDevice device)
    {
        device = default;
        if (formatted.Length < MinimumLength)
            return false;
        ulong raw = BinaryPrimitives.ReadUInt64LittleEndian(formatted.Slice(8, 8));
        byte modifier = formatted.Length > 0x10 ? formatted[0x10] : (byte)0;
        int spacing = (modifier >> 6) switch { 0 => 1, 1 => 4, 2 => 16, _ => 0 };
        if (spacing == 0)
            return false;
        ulong address = (raw & ~1UL) | ((modifier & 0x10) != 0 ? 1UL : 0UL);
        device = new SmbiosIpmiDevice(formatted[4], formatted[5], address, (raw & 1) != 0, spacing);
        return true;
    }
}
