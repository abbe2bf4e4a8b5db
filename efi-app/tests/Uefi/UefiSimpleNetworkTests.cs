using System;
using UefiRecovery.Efi.Uefi;
using UefiRecovery.Efi.Uefi.Raw;
using Xunit;

namespace UefiRecovery.Efi.Tests.Uefi;

[Collection(FakeFirmwareCollection.Name)]
public sealed unsafe class UefiSimpleNetworkTests
{
    [Fact]
    public void Receive_Frame_ReturnsLengthHeaderAndAddresses()
    {
        using var devices = new FakeDevices();
        FakeDevices.ReceiveLength = 60;
        FakeDevices.ReceiveHeaderSize = 14;
        var snp = new UefiSimpleNetwork(devices.Snp);

        EfiResult<ReceivedFrame> result = snp.Receive(new byte[1514]);

        Assert.True(result.TryGetValue(out ReceivedFrame frame));
        Assert.Equal(60, frame.Length);
        Assert.Equal(14, frame.HeaderSize);
        MacAddress source = frame.Source;
        MacAddress destination = frame.Destination;
        Assert.Equal(0x52, source.Addr[0]);
        Assert.Equal(0xFF, destination.Addr[0]);
        Assert.Equal(0x0806, frame.Protocol);
    }

    [Fact]
    public void Receive_NotReady_NoFrameHandedOn()
    {
        using var devices = new FakeDevices();
        FakeDevices.NextStatus = EfiStatus.NotReady;
        var snp = new UefiSimpleNetwork(devices.Snp);

        EfiResult<ReceivedFrame> result = snp.Receive(new byte[1514]);

        Assert.Equal(EfiStatus.NotReady, result.Status);
        Assert.False(result.TryGetValue(out ReceivedFrame frame));
        Assert.Equal(0, frame.Length);
        MacAddress source = frame.Source;
        Assert.Equal(0, source.Addr[0]);
    }

    [Theory]
    [InlineData(2000, 14)] // longer than the buffer it was given
    [InlineData(10, 14)]   // header longer than the frame
    public void Receive_DriverReportsImpossibleSizes_IsDeviceError(int length, int headerSize)
    {
        using var devices = new FakeDevices();
        FakeDevices.ReceiveLength = (nuint)length;
        FakeDevices.ReceiveHeaderSize = (nuint)headerSize;
        var snp = new UefiSimpleNetwork(devices.Snp);

        EfiResult<ReceivedFrame> result = snp.Receive(new byte[1514]);

        Assert.False(result.IsSuccess);
        Assert.Equal(EfiStatus.DeviceError, result.Status);
    }

    [Fact]
    public void Transmit_Frame_PassesWholeFrameWithHeaderSizeZero()
    {
        using var devices = new FakeDevices();
        var snp = new UefiSimpleNetwork(devices.Snp);
        byte[] frame = new byte[60];

        fixed (byte* expected = frame)
        {
            Assert.True(snp.Transmit(frame).IsSuccess);
            Assert.Equal((nint)expected, FakeDevices.TransmitBuffer);
        }

        Assert.Equal((nuint)60, FakeDevices.TransmitLength);
        Assert.Equal((nuint)0, FakeDevices.TransmitHeaderSize);
    }

    [Fact]
    public void Transmit_QueueFull_ReturnsNotReady()
    {
        using var devices = new FakeDevices();
        FakeDevices.NextStatus = EfiStatus.NotReady;
        var snp = new UefiSimpleNetwork(devices.Snp);

        Assert.Equal(EfiStatus.NotReady, snp.Transmit(new byte[60]).Status);
    }

    [Fact]
    public void Statistics_Unsupported_NoCountersHandedOn()
    {
        using var devices = new FakeDevices();
        FakeDevices.NextStatus = EfiStatus.Unsupported;
        var snp = new UefiSimpleNetwork(devices.Snp);

        EfiResult<NetworkStatistics> result = snp.Statistics(false);

        Assert.False(result.TryGetValue(out NetworkStatistics statistics));
        Assert.Equal(0UL, statistics.RxTotalFrames);
    }

    [Fact]
    public void Statistics_Success_ReturnsCounters()
    {
        using var devices = new FakeDevices();
        var snp = new UefiSimpleNetwork(devices.Snp);

        Assert.Equal(7UL, snp.Statistics(false).Value.RxTotalFrames);
        Assert.Equal((nuint)sizeof(NetworkStatistics), FakeDevices.StatisticsSizeGiven);
    }

    [Fact]
    public void GetStatus_DeviceError_NoRecycledBufferHandedOn()
    {
        using var devices = new FakeDevices();
        FakeDevices.NextStatus = EfiStatus.DeviceError;
        var snp = new UefiSimpleNetwork(devices.Snp);

        Assert.False(snp.GetStatus().TryGetValue(out SimpleNetworkStatus status));
        Assert.True(status.RecycledTransmitBuffer == null);
    }

    [Fact]
    public void GetStatus_Success_ReturnsInterruptsAndRecycledBuffer()
    {
        using var devices = new FakeDevices();
        var snp = new UefiSimpleNetwork(devices.Snp);

        SimpleNetworkStatus status = snp.GetStatus().Value;

        Assert.Equal(SimpleNetworkInterrupt.Transmit, status.InterruptStatus);
        Assert.Equal((nint)0x4000, (nint)status.RecycledTransmitBuffer);
    }
}
