using System;
using System.Runtime.InteropServices;
using UefiRecovery.Efi.Uefi.Raw;
using Xunit;

namespace UefiRecovery.Efi.Tests.Uefi;

public sealed unsafe class FirmwareVolumeHeaderTests
{
    /// <summary>
    /// The first 48h bytes (HeaderLength) of /usr/share/OVMF/OVMF_VARS_4M.fd from Debian's
    /// ovmf 2022.11-6+deb12u2: the header of the variable-store FV that OVMF exposes through FVB.
    /// </summary>
    private const string OvmfVarsHeader =
        "00000000000000000000000000000000" + "8D2BF1FF96768B4CA9852747075B4F50" + "0040080000000000" +
        "5F465648" + "FFFE0400" + "4800" + "AFB8" + "0000" + "00" + "02" +
        "8400000000100000" + "0000000000000000";

    [Fact]
    public void Overlay_OvmfVarsHeader_ReadsSpecFields()
    {
        byte[] bytes = Convert.FromHexString(OvmfVarsHeader);
        FirmwareVolumeHeader header = MemoryMarshal.Read<FirmwareVolumeHeader>(bytes);

        Assert.True(header.FileSystemGuid.Equals(FirmwareVolumeHeader.SystemNvDataFvGuid));
        Assert.Equal(0x84000UL, header.FvLength);
        Assert.Equal(FirmwareVolumeHeader.FvhSignature, header.Signature);
        Assert.Equal(0x48, header.HeaderLength);
        Assert.Equal(FirmwareVolumeHeader.CurrentRevision, header.Revision);
        Assert.Equal(0, header.ExtHeaderOffset);
        Assert.Equal(132u, header.BlockMap.NumBlocks);
        Assert.Equal(0x1000u, header.BlockMap.Length);
        Assert.Equal(0x0004FEFFu, header.Attributes);
        Assert.NotEqual(0u, header.Attributes & FvbAttributes.ErasePolarity);
        Assert.NotEqual(0u, header.Attributes & FvbAttributes.WriteStatus);
        Assert.Equal(4u, (header.Attributes & FvbAttributes.Alignment) >> FvbAttributes.AlignmentShift);
    }

    [Fact]
    public void Checksum_OvmfVarsHeader_SumsToZero()
    {
        // PI 1.8 Vol. 3 §3.2.1: the 16-bit sum of the header's HeaderLength bytes is zero.
        byte[] bytes = Convert.FromHexString(OvmfVarsHeader);
        FirmwareVolumeHeader header = MemoryMarshal.Read<FirmwareVolumeHeader>(bytes);
        ushort sum = 0;
        for (int i = 0; i < header.HeaderLength; i += 2)
        {
            sum += BitConverter.ToUInt16(bytes, i);
        }

        Assert.Equal(0, sum);
    }

    [Fact]
    public void BlockMapOffset_Constant_MatchesFieldOffset()
    {
        FirmwareVolumeHeader header = default;

        Assert.Equal(FirmwareVolumeHeader.BlockMapOffset, (int)((byte*)&header.BlockMap - (byte*)&header));
    }
}
