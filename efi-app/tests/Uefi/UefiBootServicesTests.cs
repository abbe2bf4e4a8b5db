using UefiRecovery.Efi.Uefi;
using UefiRecovery.Efi.Uefi.Raw;
using Xunit;

namespace UefiRecovery.Efi.Tests.Uefi;

[Collection(FakeFirmwareCollection.Name)]
public sealed unsafe class UefiBootServicesTests
{
    private static readonly EfiHandle Image = new((void*)0x2000);
    private static readonly EfiHandle Nic = new((void*)0x1000);

    [Fact]
    public void OpenExclusive_Success_DisposeClosesWithSameParameters()
    {
        using var firmware = new FakeFirmware();
        FakeFirmware.OpenInterface = 0x7000;
        var boot = new UefiBootServices(firmware.Boot, Image);

        using (var snp = boot.OpenExclusive<SimpleNetworkProtocol>(Nic))
        {
            Assert.True(snp.IsOpen);
            Assert.Equal(EfiStatus.Success, snp.Status);
            Assert.Equal((nint)0x7000, (nint)snp.Pointer);
            Assert.Empty(FakeFirmware.Closes);
        }

        FakeFirmware.OpenCall open = Assert.Single(FakeFirmware.Opens);
        Assert.Equal(OpenProtocolAttributes.Exclusive, open.Attributes);
        Assert.True(open.Guid.Equals(SimpleNetworkProtocol.Guid));
        Assert.Equal((nint)0x1000, open.Handle);
        Assert.Equal((nint)0x2000, open.Agent);
        FakeFirmware.CloseCall close = Assert.Single(FakeFirmware.Closes);
        Assert.Equal(new FakeFirmware.CloseCall(open.Handle, open.Guid, open.Agent, open.Controller), close);
    }

    [Fact]
    public void OpenGetProtocol_Success_UsesGetProtocolAndClosesOnDispose()
    {
        using var firmware = new FakeFirmware();
        FakeFirmware.OpenInterface = 0x7100;
        var boot = new UefiBootServices(firmware.Boot, Image);

        using (var image = boot.OpenGetProtocol<LoadedImageProtocol>(Image))
        {
            Assert.True(image.IsOpen);
        }

        FakeFirmware.OpenCall open = Assert.Single(FakeFirmware.Opens);
        Assert.Equal(OpenProtocolAttributes.GetProtocol, open.Attributes);
        Assert.True(open.Guid.Equals(LoadedImageProtocol.Guid));
        Assert.Single(FakeFirmware.Closes);
    }

    [Fact]
    public void OpenExclusive_AccessDenied_NotOpenNothingReadAndNoClose()
    {
        using var firmware = new FakeFirmware();
        FakeFirmware.OpenStatus = EfiStatus.AccessDenied;
        var boot = new UefiBootServices(firmware.Boot, Image);

        using (var snp = boot.OpenExclusive<SimpleNetworkProtocol>(Nic))
        {
            Assert.False(snp.IsOpen);
            Assert.Equal(EfiStatus.AccessDenied, snp.Status);
            Assert.True(snp.Pointer == null);
        }

        Assert.Empty(FakeFirmware.Closes);
    }

    [Fact]
    public void OpenExclusive_WarningStatus_IsNotOpen()
    {
        using var firmware = new FakeFirmware();
        FakeFirmware.OpenStatus = EfiStatus.WarnStaleData;
        var boot = new UefiBootServices(firmware.Boot, Image);

        var snp = boot.OpenExclusive<SimpleNetworkProtocol>(Nic);

        Assert.False(snp.IsOpen);
        Assert.Equal(EfiStatus.WarnStaleData, snp.Status);
    }

    [Fact]
    public void Dispose_Twice_ClosesOnce()
    {
        using var firmware = new FakeFirmware();
        FakeFirmware.OpenInterface = 0x7000;
        var boot = new UefiBootServices(firmware.Boot, Image);

        var snp = boot.OpenExclusive<SimpleNetworkProtocol>(Nic);
        snp.Dispose();
        snp.Dispose();

        Assert.Single(FakeFirmware.Closes);
        Assert.False(snp.IsOpen);
    }

    [Fact]
    public void LocateHandleBuffer_Success_ReturnsHandlesAndFreesPoolOnDispose()
    {
        using var firmware = new FakeFirmware();
        FakeFirmware.LocateHandles = new nint[] { 0x1000, 0x1100 };
        var boot = new UefiBootServices(firmware.Boot, Image);

        using (var handles = boot.LocateHandleBuffer<SimpleNetworkProtocol>())
        {
            Assert.True(handles.IsSuccess);
            Assert.Equal(2, handles.Handles.Length);
            Assert.Equal((nint)0x1000, (nint)handles.Handles[0].Value);
            Assert.Equal((nint)0x1100, (nint)handles.Handles[1].Value);
            Assert.Empty(FakeFirmware.FreedPools);
        }

        Assert.Equal(FakeFirmware.AllocatedPools, FakeFirmware.FreedPools);
    }

    [Fact]
    public void LocateHandleBuffer_NotFound_EmptyAndNothingFreed()
    {
        using var firmware = new FakeFirmware();
        FakeFirmware.LocateStatus = EfiStatus.NotFound;
        var boot = new UefiBootServices(firmware.Boot, Image);

        using (var handles = boot.LocateHandleBuffer<SimpleNetworkProtocol>())
        {
            Assert.False(handles.IsSuccess);
            Assert.Equal(EfiStatus.NotFound, handles.Status);
            Assert.True(handles.Handles.IsEmpty);
        }

        Assert.Empty(FakeFirmware.FreedPools);
    }

    [Fact]
    public void LocateProtocol_Failure_OutPointerIsNull()
    {
        using var firmware = new FakeFirmware();
        FakeFirmware.OpenStatus = EfiStatus.NotFound;
        var boot = new UefiBootServices(firmware.Boot, Image);

        EfiResult result = boot.LocateProtocol(out CpuIo2Protocol* cpuIo);

        Assert.False(result.IsSuccess);
        Assert.True(cpuIo == null);
    }

    [Fact]
    public void LocateProtocol_Success_ReturnsInterface()
    {
        using var firmware = new FakeFirmware();
        FakeFirmware.OpenInterface = 0x7200;
        var boot = new UefiBootServices(firmware.Boot, Image);

        EfiResult result = boot.LocateProtocol(out CpuIo2Protocol* cpuIo);

        Assert.True(result.IsSuccess);
        Assert.Equal((nint)0x7200, (nint)cpuIo);
    }

    [Fact]
    public void GetNextMonotonicCount_DeviceError_ValueNotHandedOn()
    {
        using var firmware = new FakeFirmware();
        FakeFirmware.MonotonicStatus = EfiStatus.DeviceError;
        var boot = new UefiBootServices(firmware.Boot, Image);

        EfiResult<ulong> result = boot.GetNextMonotonicCount();

        Assert.False(result.IsSuccess);
        Assert.False(result.TryGetValue(out ulong value));
        Assert.Equal(0UL, value);
    }

    [Fact]
    public void GetNextMonotonicCount_Success_ReturnsValue()
    {
        using var firmware = new FakeFirmware();
        var boot = new UefiBootServices(firmware.Boot, Image);

        EfiResult<ulong> result = boot.GetNextMonotonicCount();

        Assert.True(result.TryGetValue(out ulong value));
        Assert.Equal(42UL, value);
        Assert.Equal(42UL, result.Value);
    }
}
