using System;
using UefiRecovery.Efi.Uefi.Smbios;
using Xunit;

namespace UefiRecovery.Efi.Tests.Uefi.Smbios;

public sealed class SmbiosEntryPointsTests
{
    [Fact]
    public void TryParse21_ValidEntryPoint_ReturnsTableLocation()
    {
        byte[] ep = Convert.FromHexString(SmbiosVectors.Qemu72EntryPoint21);

        Assert.Equal(SmbiosEntryPointStatus.Valid, SmbiosEntryPoints.TryParse21(ep, out SmbiosTableLocation location));
        Assert.Equal(0x0F51F000UL, location.Address);
        Assert.Equal(0x1ADU, location.Length);
        Assert.Equal(10, location.StructureCount);
        Assert.Equal(2, location.MajorVersion);
        Assert.Equal(8, location.MinorVersion);
        Assert.False(location.Is64Bit);
    }

    [Fact]
    public void TryParse30_ValidEntryPoint_ReturnsTableLocation()
    {
        byte[] ep = Convert.FromHexString(SmbiosVectors.Qemu72EntryPoint30);

        Assert.Equal(SmbiosEntryPointStatus.Valid, SmbiosEntryPoints.TryParse30(ep, out SmbiosTableLocation location));
        Assert.Equal(0x0F51D000UL, location.Address);
        Assert.Equal(0x1B3U, location.Length);
        Assert.Equal(0, location.StructureCount);
        Assert.Equal(3, location.MajorVersion);
        Assert.Equal(0, location.MinorVersion);
        Assert.True(location.Is64Bit);
    }

    [Fact]
    public void TryParse21_EveryPrefix_IsTruncatedWithNothingReturned()
    {
        byte[] ep = Convert.FromHexString(SmbiosVectors.Qemu72EntryPoint21);
        for (int cut = 0; cut < ep.Length; cut++)
        {
            // Even the 1Eh-byte prefix (complete by the 2.1 erratum) is cut: its length byte says 1Fh.
            Assert.Equal(SmbiosEntryPointStatus.Truncated, SmbiosEntryPoints.TryParse21(ep.AsSpan(0, cut), out SmbiosTableLocation location));
            Assert.Equal(0UL, location.Address);
        }
    }

    [Fact]
    public void TryParse30_EveryPrefix_IsTruncatedWithNothingReturned()
    {
        byte[] ep = Convert.FromHexString(SmbiosVectors.Qemu72EntryPoint30);
        for (int cut = 0; cut < ep.Length; cut++)
        {
            Assert.Equal(SmbiosEntryPointStatus.Truncated, SmbiosEntryPoints.TryParse30(ep.AsSpan(0, cut), out SmbiosTableLocation location));
            Assert.Equal(0UL, location.Address);
        }
    }

    [Theory]
    [InlineData(0x18)] // a byte of TableAddress
    [InlineData(0x1E)] // the BCD revision
    [InlineData(0x06)] // the major version
    public void TryParse21_FlippedByte_IsBadChecksum(int offset)
    {
        byte[] ep = Convert.FromHexString(SmbiosVectors.Qemu72EntryPoint21);
        ep[offset] ^= 0x01;

        Assert.Equal(SmbiosEntryPointStatus.BadChecksum, SmbiosEntryPoints.TryParse21(ep, out SmbiosTableLocation location));
        Assert.Equal(0UL, location.Address);
    }

    [Fact]
    public void TryParse21_IntermediateChecksumWrongButMainRight_IsBadIntermediateChecksum()
    {
        byte[] ep = Convert.FromHexString(SmbiosVectors.Qemu72EntryPoint21);
        // Move one unit from the intermediate area (TableLength) into the formatted area: the whole
        // still sums to zero, the intermediate part no longer does.
        ep[0x16] += 1;
        ep[0x0B] -= 1;

        Assert.Equal(SmbiosEntryPointStatus.BadIntermediateChecksum, SmbiosEntryPoints.TryParse21(ep, out _));
    }

    [Fact]
    public void TryParse21_WrongIntermediateAnchor_IsBadIntermediateAnchor()
    {
        byte[] ep = Convert.FromHexString(SmbiosVectors.Qemu72EntryPoint21);
        ep[0x11] = (byte)'X';
        ep[0x04] = 0;
        ep[0x04] = Checksum(ep.AsSpan(0, 0x1F));

        Assert.Equal(SmbiosEntryPointStatus.BadIntermediateAnchor, SmbiosEntryPoints.TryParse21(ep, out _));
    }

    [Fact]
    public void TryParse21_ErratumLength1E_IsAccepted()
    {
        byte[] ep = Convert.FromHexString(SmbiosVectors.Qemu72EntryPoint21).AsSpan(0, 0x1E).ToArray();
        ep[0x05] = 0x1E;
        ep[0x15] = 0;
        ep[0x15] = Checksum(ep.AsSpan(0x10, 0x0E));
        ep[0x04] = 0;
        ep[0x04] = Checksum(ep);

        Assert.Equal(SmbiosEntryPointStatus.Valid, SmbiosEntryPoints.TryParse21(ep, out SmbiosTableLocation location));
        Assert.Equal(0x0F51F000UL, location.Address);
    }

    [Theory]
    [InlineData(SmbiosVectors.Qemu72EntryPoint30, true)]
    [InlineData(SmbiosVectors.Qemu72EntryPoint21, false)]
    public void TryParse_OtherVersionsAnchor_IsBadAnchor(string hex, bool parseAs21)
    {
        byte[] ep = Convert.FromHexString(hex);
        Array.Resize(ref ep, 0x1F);
        SmbiosEntryPointStatus status = parseAs21 ? SmbiosEntryPoints.TryParse21(ep, out _) : SmbiosEntryPoints.TryParse30(ep, out _);

        Assert.Equal(SmbiosEntryPointStatus.BadAnchor, status);
    }

    [Fact]
    public void TryParse30_LengthBelowStructure_IsBadLength()
    {
        byte[] ep = Convert.FromHexString(SmbiosVectors.Qemu72EntryPoint30);
        ep[0x06] = 0x17;

        Assert.Equal(SmbiosEntryPointStatus.BadLength, SmbiosEntryPoints.TryParse30(ep, out _));
    }

    [Fact]
    public void TryParse30_LengthBeyondBytes_IsTruncated()
    {
        byte[] ep = Convert.FromHexString(SmbiosVectors.Qemu72EntryPoint30);
        ep[0x06] = 0x20;

        Assert.Equal(SmbiosEntryPointStatus.Truncated, SmbiosEntryPoints.TryParse30(ep, out _));
    }

    [Theory]
    [InlineData(SmbiosVectors.Qemu72EntryPoint21, false, 0x1F)]
    [InlineData(SmbiosVectors.Qemu72EntryPoint30, true, 0x18)]
    public void DeclaredLength_EntryPoint_ReadsLengthByte(string hex, bool is64Bit, int expected)
    {
        Assert.Equal(expected, SmbiosEntryPoints.DeclaredLength(Convert.FromHexString(hex), is64Bit));
    }

    private static byte Checksum(ReadOnlySpan<byte> bytes)
    {
        byte sum = 0;
        foreach (byte b in bytes)
        {
            sum += b;
        }

        return (byte)-sum;
    }
}
