using System;
using UefiRecovery.Core.Common;
using UefiRecovery.Core.Firmware;
using Xunit;

namespace UefiRecovery.Core.Tests.Firmware;

public sealed class FvHeaderTests
{
    [Fact]
    public void TryParse_OvmfVars4M_FieldsAsInTheFile()
    {
        byte[] image = OvmfVarsImage.Fresh();

        Assert.Equal(FvHeaderStatus.Valid, FvHeader.TryParse(image, out FvHeader header));

        Assert.True(header.FileSystemGuid.Equals(RegionTarget.SystemNvDataFvGuid));
        Assert.Equal(0x84000UL, header.FvLength);
        Assert.Equal(0x48, header.HeaderLength);
        Assert.Equal(0x1000U, header.FirstBlockSize);
        Assert.Equal(132UL, header.BlockCount);
        Assert.True(header.HasUniformBlocks);
        Assert.True(header.ErasePolarityIsOne);
        Assert.Equal(0, header.ExtHeaderOffset);
        Assert.Equal(0x0004FEFFU, header.Attributes);
    }

    [Fact]
    public void TryParse_EveryTruncation_NeverValidAndNeverThrows()
    {
        byte[] image = OvmfVarsImage.Fresh();
        for (int length = 0; length < 0x48; length++)
        {
            FvHeaderStatus status = FvHeader.TryParse(image.AsSpan(0, length), out _);
            Assert.Equal(FvHeaderStatus.TooShort, status);
        }
        Assert.Equal(FvHeaderStatus.Valid, FvHeader.TryParse(image.AsSpan(0, 0x48), out _));
    }

    [Theory]
    // offset, new byte, fix the checksum afterwards, expected status; offsets from PI 1.8 Vol. 3 §3.2.1.
    [InlineData(40, 0x00, true, FvHeaderStatus.BadSignature)]
    [InlineData(55, 0x01, true, FvHeaderStatus.BadRevision)]
    [InlineData(48, 0x49, true, FvHeaderStatus.BadHeaderLength)] // odd
    [InlineData(48, 0x40, true, FvHeaderStatus.BadHeaderLength)] // below 56 + 16
    [InlineData(50, 0x00, false, FvHeaderStatus.BadChecksum)]
    [InlineData(16, 0x8C, false, FvHeaderStatus.BadChecksum)] // FileSystemGuid byte, checksum not fixed
    [InlineData(56, 0x85, true, FvHeaderStatus.BlockMapLengthMismatch)] // 133 blocks
    [InlineData(61, 0x00, true, FvHeaderStatus.BadBlockMap)] // {132, 0}
    [InlineData(64, 0x01, true, FvHeaderStatus.BadBlockMap)] // terminator {1, 0}: half-zero entry
    [InlineData(33, 0x30, true, FvHeaderStatus.BlockMapLengthMismatch)] // FvLength 0x83000
    [InlineData(52, 0x10, true, FvHeaderStatus.BadExtHeaderOffset)] // inside the header
    public void TryParse_OneFieldCorrupted_ThatStatus(int offset, byte value, bool fixChecksum, FvHeaderStatus expected)
    {
        byte[] image = OvmfVarsImage.Fresh();
        image[offset] = value;
        if (fixChecksum)
        {
            OvmfVarsImage.FixChecksum(image);
        }

        Assert.Equal(expected, FvHeader.TryParse(image, out _));
    }

    [Fact]
    public void TryParse_HeaderLengthBeyondBuffer_TooShort()
    {
        byte[] image = OvmfVarsImage.Fresh();
        image[48] = 0x50; // HeaderLength 0x50: block map slot 3 is FF FF..., but the buffer stops first
        OvmfVarsImage.FixChecksum(image);

        Assert.Equal(FvHeaderStatus.TooShort, FvHeader.TryParse(image.AsSpan(0, 0x4E), out _));
    }

    [Fact]
    public void TryParse_HeaderLengthBeyondFvLength_BadHeaderLength()
    {
        byte[] header = new byte[0x48];
        OvmfVarsImage.Fresh().AsSpan(0, 0x48).CopyTo(header);
        // FvLength 0x40 < HeaderLength 0x48; the block map then cannot match either, but the length check comes first.
        Array.Clear(header, 32, 8);
        header[32] = 0x40;
        OvmfVarsImage.FixChecksum(header);

        Assert.Equal(FvHeaderStatus.BadHeaderLength, FvHeader.TryParse(header, out _));
    }

    [Fact]
    public void TryParse_BlockMapOverflowingUInt64_LengthMismatchNotWrap()
    {
        // Two entries of 0xFFFFFFFF × 0xFFFFFFFF: the sum overflows 2^64 and must not wrap to FvLength.
        byte[] header = new byte[0x50];
        OvmfVarsImage.Fresh().AsSpan(0, 0x38).CopyTo(header);
        header[48] = 0x50;
        header[49] = 0;
        for (int i = 56; i < 72; i++)
        {
            header[i] = 0xFF;
        }
        ulong wrapped = unchecked(2UL * 0xFFFF_FFFFUL * 0xFFFF_FFFFUL);
        BitConverterLittle(header, 32, wrapped);
        OvmfVarsImage.FixChecksum(header);

        Assert.Equal(FvHeaderStatus.BlockMapLengthMismatch, FvHeader.TryParse(header, out _));
    }

    [Theory]
    // FvLength shrunk to 0x4000 (4 blocks of 0x1000) so that a UINT16 ExtHeaderOffset can reach its end;
    // the ext header (FvName + ExtHeaderSize) is 20 bytes: 0x3FEC is the last offset where it fits.
    [InlineData(0x0048, FvHeaderStatus.Valid)]
    [InlineData(0x3FEC, FvHeaderStatus.Valid)]
    [InlineData(0x3FED, FvHeaderStatus.BadExtHeaderOffset)]
    [InlineData(0x0046, FvHeaderStatus.BadExtHeaderOffset)]
    public void TryParse_ExtHeaderOffsetInSmallFv_BoundsChecked(int offset, FvHeaderStatus expected)
    {
        byte[] image = OvmfVarsImage.Fresh();
        image[32] = 0x00; image[33] = 0x40; image[34] = 0x00; // FvLength 0x4000
        image[56] = 0x04; // block map {4, 0x1000}
        image[52] = (byte)offset;
        image[53] = (byte)(offset >> 8);
        OvmfVarsImage.FixChecksum(image);

        Assert.Equal(expected, FvHeader.TryParse(image, out FvHeader header));
        if (expected == FvHeaderStatus.Valid)
        {
            Assert.Equal(offset, header.ExtHeaderOffset);
        }
    }

    [Fact]
    public void TryParse_AllErased_BadSignature()
    {
        byte[] erased = new byte[0x1000];
        erased.AsSpan().Fill(0xFF);

        Assert.Equal(FvHeaderStatus.BadSignature, FvHeader.TryParse(erased, out _));
    }

    [Fact]
    public void Sum16_OvmfHeader_Zero()
    {
        Assert.Equal(0, FvHeader.Sum16(OvmfVarsImage.Fresh().AsSpan(0, 0x48)));
    }

    private static void BitConverterLittle(byte[] bytes, int offset, ulong value)
    {
        System.Buffers.Binary.BinaryPrimitives.WriteUInt64LittleEndian(bytes.AsSpan(offset), value);
    }
}
