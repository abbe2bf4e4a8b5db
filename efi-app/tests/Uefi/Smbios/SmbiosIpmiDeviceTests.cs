using System;
using UefiRecovery.Efi.Uefi.Smbios;
using Xunit;

namespace UefiRecovery.Efi.Tests.Uefi.Smbios;

/// <summary>SMBIOS type 38 (DSP0134 §7.39): where the KCS registers are. QEMU's isa-ipmi-kcs is the first row.</summary>
public sealed class SmbiosIpmiDeviceTests
{
    // Type 38, length, handle, interface, revision 2.0, I2C address, NV address, base address QWORD[, modifier, IRQ].
    private static byte[] Formatted(byte interfaceType, ulong baseAddress, byte? modifier)
    {
        byte[] bytes = new byte[modifier == null ? 0x10 : 0x12];
        bytes[0] = 38;
        bytes[1] = (byte)bytes.Length;
        bytes[4] = interfaceType;
        bytes[5] = 0x20;
        bytes[6] = 0x20;
        bytes[7] = 0xFF;
        BitConverter.GetBytes(baseAddress).CopyTo(bytes, 8);
        if (modifier != null)
            bytes[0x10] = modifier.Value;
        return bytes;
    }

    [Theory]
    [InlineData(0xCA3ul, (byte)0x00, 0xCA2ul, true, 1)] // QEMU isa-ipmi-kcs: I/O CA2h, byte spacing
    [InlineData(0xCA3ul, (byte)0x10, 0xCA3ul, true, 1)] // LS-bit set by the modifier
    [InlineData(0xFED40000ul, (byte)0x40, 0xFED40000ul, false, 4)] // memory-mapped, 32-bit spacing
    [InlineData(0xE4ul | 1, (byte)0x80, 0xE4ul, true, 16)] // 16-byte spacing
    public void TryParse_Layouts_AddressSpaceAndSpacing(ulong raw, byte modifier, ulong address, bool io, int spacing)
    {
        Assert.True(SmbiosIpmiDevice.TryParse(Formatted(SmbiosIpmiDevice.KcsInterface, raw, modifier), out SmbiosIpmiDevice device));

        Assert.Equal(SmbiosIpmiDevice.KcsInterface, device.InterfaceType);
        Assert.Equal(0x20, device.SpecRevision);
        Assert.Equal(address, device.BaseAddress);
        Assert.Equal(io, device.IsIoSpace);
        Assert.Equal(spacing, device.RegisterSpacing);
    }

    [Fact]
    public void TryParse_SixteenByteForm_ByteSpacing()
    {
        Assert.True(SmbiosIpmiDevice.TryParse(Formatted(1, 0xCA3, null), out SmbiosIpmiDevice device));
        Assert.Equal(0xCA2ul, device.BaseAddress);
        Assert.Equal(1, device.RegisterSpacing);
    }

    [Fact]
    public void TryParse_ReservedSpacingOrTooShort_False()
    {
        Assert.False(SmbiosIpmiDevice.TryParse(Formatted(1, 0xCA3, 0xC0), out _));
        Assert.False(SmbiosIpmiDevice.TryParse(Formatted(1, 0xCA3, null).AsSpan(0, 0x0F), out _));
    }

    [Fact]
    public void TryFind_AfterOtherStructure_FindsTypeThirtyEight()
    {
        // A type 1 with no strings, then type 38 with none, then End-of-Table.
        byte[] table = [1, 4, 0, 0, 0, 0, .. Formatted(1, 0xCA3, 0), 0, 0, 127, 4, 2, 0, 0, 0];

        Assert.True(SmbiosIpmiDevice.TryFind(table, 0, out SmbiosIpmiDevice device));
        Assert.Equal(0xCA2ul, device.BaseAddress);
        Assert.False(SmbiosIpmiDevice.TryFind(table.AsSpan(0, 6).ToArray().AsSpan(), 0, out _));
    }
}
