using System;
using UefiRecovery.Core.Firmware;
using Xunit;

namespace UefiRecovery.Core.Tests.Firmware;

public sealed class VariableStoreHeaderTests
{
    private const int StoreOffset = 0x48; // the OVMF FV's HeaderLength
    private const ulong Room = 0x84000 - 0x48;

    [Fact]
    public void TryParse_OvmfVars4M_AuthenticatedStoreOf0x3FFB8()
    {
        byte[] image = OvmfVarsImage.Fresh();

        Assert.Equal(VariableStoreStatus.Valid, VariableStoreHeader.TryParse(image.AsSpan(StoreOffset), Room, out VariableStoreHeader store));
        Assert.True(store.IsAuthenticated);
        Assert.Equal(0x3FFB8U, store.Size);
    }

    [Theory]
    [InlineData(0, 0x00, VariableStoreStatus.BadSignature)]
    [InlineData(15, 0x93, VariableStoreStatus.BadSignature)]
    [InlineData(20, 0x5B, VariableStoreStatus.BadFormat)]
    [InlineData(21, 0xFF, VariableStoreStatus.BadState)]
    [InlineData(21, 0xFC, VariableStoreStatus.BadState)]
    [InlineData(19, 0x01, VariableStoreStatus.BadSize)] // 0x0103FFB8 > room
    public void TryParse_OneByteChanged_ThatStatus(int offset, byte value, VariableStoreStatus expected)
    {
        byte[] image = OvmfVarsImage.Fresh();
        image[StoreOffset + offset] = value;

        Assert.Equal(expected, VariableStoreHeader.TryParse(image.AsSpan(StoreOffset), Room, out _));
    }

    [Fact]
    public void TryParse_SizeSmallerThanHeader_BadSize()
    {
        byte[] image = OvmfVarsImage.Fresh();
        image.AsSpan(StoreOffset + 16, 4).Clear();
        image[StoreOffset + 16] = 27;

        Assert.Equal(VariableStoreStatus.BadSize, VariableStoreHeader.TryParse(image.AsSpan(StoreOffset), Room, out _));
    }

    [Fact]
    public void TryParse_Erased_Erased()
    {
        byte[] erased = new byte[28];
        erased.AsSpan().Fill(0xFF);

        Assert.Equal(VariableStoreStatus.Erased, VariableStoreHeader.TryParse(erased, Room, out _));
    }

    [Fact]
    public void TryParse_EveryTruncation_TooShort()
    {
        byte[] image = OvmfVarsImage.Fresh();
        for (int length = 0; length < 28; length++)
        {
            Assert.Equal(VariableStoreStatus.TooShort, VariableStoreHeader.TryParse(image.AsSpan(StoreOffset, length), Room, out _));
        }
    }

    [Fact]
    public void VariableGuid_PlainStoreSignature_Valid()
    {
        byte[] image = OvmfVarsImage.Fresh();
        VariableStoreHeader.VariableGuid.TryWrite(image.AsSpan(StoreOffset));

        Assert.Equal(VariableStoreStatus.Valid, VariableStoreHeader.TryParse(image.AsSpan(StoreOffset), Room, out VariableStoreHeader store));
        Assert.False(store.IsAuthenticated);
    }
}
