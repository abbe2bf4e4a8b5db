using System;
using System.Runtime.InteropServices;
using UefiRecovery.Efi.Tests.Uefi.Smbios;
using UefiRecovery.Efi.Uefi;
using UefiRecovery.Efi.Uefi.Raw;
using UefiRecovery.Efi.Uefi.Smbios;
using Xunit;

namespace UefiRecovery.Efi.Tests.Uefi;

/// <summary>Configuration-table lookup and SMBIOS discovery over a system table built in native memory.</summary>
public sealed unsafe class ConfigurationTablesTests : IDisposable
{
    private readonly SystemTable* system;
    private readonly ConfigurationTable* entries;
    private readonly byte* smbiosTable;
    private readonly byte* entryPoint3;
    private readonly int smbiosTableLength;

    public ConfigurationTablesTests()
    {
        byte[] table = SmbiosVectors.Qemu72Table64Bytes();
        smbiosTableLength = table.Length;
        smbiosTable = (byte*)NativeMemory.Alloc((nuint)table.Length);
        table.CopyTo(new Span<byte>(smbiosTable, table.Length));

        // A 3.0 entry point that points at the table above (checksum recomputed for the address).
        byte[] ep = Convert.FromHexString(SmbiosVectors.Qemu72EntryPoint30);
        BitConverter.TryWriteBytes(ep.AsSpan(0x10), (ulong)smbiosTable);
        BitConverter.TryWriteBytes(ep.AsSpan(0x0C), (uint)table.Length);
        ep[5] = 0;
        byte sum = 0;
        foreach (byte b in ep)
        {
            sum += b;
        }

        ep[5] = (byte)-sum;
        entryPoint3 = (byte*)NativeMemory.Alloc((nuint)ep.Length);
        ep.CopyTo(new Span<byte>(entryPoint3, ep.Length));

        entries = (ConfigurationTable*)NativeMemory.AllocZeroed((nuint)(3 * sizeof(ConfigurationTable)));
        entries[0].VendorGuid = VariableAttributes.GlobalVariableGuid;
        entries[0].VendorTable = (void*)0x1234;
        entries[1].VendorGuid = Smbios3EntryPoint.Guid;
        entries[1].VendorTable = entryPoint3;
        entries[2].VendorGuid = FirmwareVolumeHeader.SystemNvDataFvGuid;
        entries[2].VendorTable = (void*)0x5678;

        system = (SystemTable*)NativeMemory.AllocZeroed((nuint)sizeof(SystemTable));
        system->NumberOfTableEntries = 3;
        system->ConfigurationTable = entries;
    }

    public void Dispose()
    {
        NativeMemory.Free(system);
        NativeMemory.Free(entries);
        NativeMemory.Free(entryPoint3);
        NativeMemory.Free(smbiosTable);
    }

    [Fact]
    public void TryFind_PresentGuid_ReturnsItsTable()
    {
        Assert.True(ConfigurationTables.TryFind(system, FirmwareVolumeHeader.SystemNvDataFvGuid, out void* table));
        Assert.Equal((nint)0x5678, (nint)table);
    }

    [Fact]
    public void TryFind_AbsentGuid_ReturnsFalseAndNull()
    {
        Assert.False(ConfigurationTables.TryFind(system, SmbiosEntryPoint.Guid, out void* table));
        Assert.True(table == null);
    }

    [Fact]
    public void TryFind_NoTables_ReturnsFalse()
    {
        SystemTable empty = default;

        Assert.False(ConfigurationTables.TryFind(&empty, SmbiosEntryPoint.Guid, out _));
    }

    [Fact]
    public void TryGetTable_Smbios3EntryPoint_ExposesTableAndOemStringIsFound()
    {
        Assert.True(SmbiosFirmwareTable.TryGetTable(system, out ReadOnlySpan<byte> table, out int limit, out SmbiosTableLocation location));

        Assert.True(location.Is64Bit);
        Assert.Equal(0, limit);
        Assert.Equal(smbiosTableLength, table.Length);
        Span<char> mode = stackalloc char[16];
        Assert.True(SmbiosOemStrings.TryFindValue(table, limit, "uefirecovery:mode="u8, mode, out int written));
        Assert.Equal("selftest", mode.Slice(0, written).ToString());
    }

    [Fact]
    public void TryGetTable_CorruptEntryPointAndNoFallback_ReturnsFalse()
    {
        entryPoint3[0x10] ^= 0xFF;

        Assert.False(SmbiosFirmwareTable.TryGetTable(system, out ReadOnlySpan<byte> table, out _, out _));
        Assert.True(table.IsEmpty);
    }
}
