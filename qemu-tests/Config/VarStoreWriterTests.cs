using System;
using System.Buffers.Binary;
using System.IO;
using System.Linq;
using System.Text;
using UefiRecovery.Testbed.Firmware;
using Xunit;

namespace UefiRecovery.QemuTests.Config;

/// <summary>
/// <see cref="VarStoreWriter"/> on Debian's real OVMF_VARS_4M.fd (host only, no boot): the record lands at
/// the first free 4-byte-aligned offset with the AUTHENTICATED_VARIABLE_HEADER layout of EDK II's
/// MdeModulePkg/Include/Guid/VariableFormat.h, and nothing else in the file changes.
/// </summary>
public sealed class VarStoreWriterTests
{
    private const string PristineVars = "/usr/share/OVMF/OVMF_VARS_4M.fd";
    private static readonly Guid Vendor = new("1C2F4AFA-2835-41FD-9CBC-7E594C1BC6AB");

    [Fact]
    public void Append_PristineOvmfVars_RecordLaidOutAsEdk2AndRestUnchanged()
    {
        byte[] vars = File.ReadAllBytes(PristineVars);
        int free = FreeOffset(vars);
        byte[] data = Encoding.ASCII.GetBytes("uefirecovery.mode=fvbcheck\n");

        byte[] written = VarStoreWriter.Append(vars, "UefiRecoveryConfig", Vendor, 0x3, data);

        // Header fields at the offsets of the packed struct: StartId 0, State 2, Attributes 4,
        // MonotonicCount 8, TimeStamp 16, PubKeyIndex 32, NameSize 36, DataSize 40, VendorGuid 44; name at 60.
        Assert.Equal(0, free % 4);
        Assert.Equal(0x55AA, BinaryPrimitives.ReadUInt16LittleEndian(written.AsSpan(free)));
        Assert.Equal(0x3F, written[free + 2]);
        Assert.Equal(0, written[free + 3]);
        Assert.Equal(3u, BinaryPrimitives.ReadUInt32LittleEndian(written.AsSpan(free + 4)));
        Assert.True(written.AsSpan(free + 8, 28).ToArray().All(b => b == 0));
        Assert.Equal(38u, BinaryPrimitives.ReadUInt32LittleEndian(written.AsSpan(free + 36)));   // "UefiRecoveryConfig\0" in UCS-2
        Assert.Equal((uint)data.Length, BinaryPrimitives.ReadUInt32LittleEndian(written.AsSpan(free + 40)));
        Assert.Equal(Vendor.ToByteArray(), written.AsSpan(free + 44, 16).ToArray());
        Assert.Equal(Encoding.Unicode.GetBytes("UefiRecoveryConfig\0"), written.AsSpan(free + 60, 38).ToArray());
        Assert.Equal(data, written.AsSpan(free + 98, data.Length).ToArray());

        int end = free + 98 + data.Length;
        Assert.True(vars.AsSpan(0, free).SequenceEqual(written.AsSpan(0, free)));
        Assert.True(vars.AsSpan(end).SequenceEqual(written.AsSpan(end)));

        VarStoreRecord record = VarStoreWriter.ReadAll(written).Last();
        Assert.Equal(("UefiRecoveryConfig", Vendor, 3u, (byte)0x3F), (record.Name, record.VendorGuid, record.Attributes, record.State));
        Assert.Equal(data, record.Data);
    }

    [Fact]
    public void Append_Twice_SecondRecordAfterFirstAligned()
    {
        byte[] once = VarStoreWriter.Append(File.ReadAllBytes(PristineVars), "A", Vendor, 0x3, new byte[] { 1 });
        byte[] twice = VarStoreWriter.Append(once, "B", Vendor, 0x7, new byte[] { 2, 3 });

        VarStoreRecord[] records = VarStoreWriter.ReadAll(twice).TakeLast(2).ToArray();

        Assert.Equal("A", records[0].Name);
        Assert.Equal("B", records[1].Name);
        // 60 header + 4 name ("A\0") + 1 data = 65, rounded up to 68.
        Assert.Equal(records[0].Offset + 68, records[1].Offset);
        Assert.Equal(0x7u, records[1].Attributes);
    }

    [Fact]
    public void Append_NoRoom_Throws()
    {
        byte[] vars = File.ReadAllBytes(PristineVars);

        Assert.Throws<InvalidOperationException>(() => VarStoreWriter.Append(vars, "Big", Vendor, 0x3, new byte[0x40000]));
    }

    [Theory]
    [InlineData(0x28, "not a firmware volume")]
    [InlineData(0x48, "is not gEfiAuthenticatedVariableGuid")]
    [InlineData(0x48 + 20, "not formatted and healthy")]
    public void Append_DamagedHeaders_ThrowsWithReason(int offset, string expected)
    {
        byte[] vars = File.ReadAllBytes(PristineVars);
        vars[offset] ^= 0x01;

        InvalidOperationException error = Assert.Throws<InvalidOperationException>(() => VarStoreWriter.Append(vars, "X", Vendor, 0x3, new byte[1]));

        Assert.Contains(expected, error.Message);
    }

    // The free offset computed independently: walk StartId 0x55AA records from 0x48 + 28.
    private static int FreeOffset(byte[] vars)
    {
        int offset = 0x48 + 28;
        while (BinaryPrimitives.ReadUInt16LittleEndian(vars.AsSpan(offset)) == 0x55AA)
        {
            int size = 60 + (int)BinaryPrimitives.ReadUInt32LittleEndian(vars.AsSpan(offset + 36)) + (int)BinaryPrimitives.ReadUInt32LittleEndian(vars.AsSpan(offset + 40));
            offset = (offset + size + 3) & ~3;
        }
        return offset;
    }
}
