using System;
using System.Runtime.InteropServices;
using UefiRecovery.Core.Common;
using UefiRecovery.Efi.Uefi;
using UefiRecovery.Efi.Uefi.Raw;
using Xunit;

namespace UefiRecovery.Efi.Tests.Uefi;

/// <summary>
/// <see cref="UefiRuntimeServices.GetVariable"/> against a fake GetVariable that behaves as UEFI 2.10 §8.2.1
/// describes: NotFound for an unknown name/GUID, BufferTooSmall with the needed size in DataSize, else the
/// data and its attributes.
/// </summary>
[Collection(FakeFirmwareCollection.Name)]
public sealed unsafe class UefiRuntimeServicesTests : IDisposable
{
    private static readonly EfiGuid Vendor = new(0x1C2F4AFA, 0x2835, 0x41FD, 0x9C, 0xBC, 0x7E, 0x59, 0x4C, 0x1B, 0xC6, 0xAB);

    private static byte[] s_value = Array.Empty<byte>();
    private static string s_name = "";
    private static uint s_attributes;
    private static nuint s_reportedSize;   // when nonzero, what the fake claims on Success (a lying firmware)
    private static string s_seenName = "";
    private static nuint s_seenCapacity;

    private readonly RuntimeServices* _runtime;

    public UefiRuntimeServicesTests()
    {
        _runtime = (RuntimeServices*)NativeMemory.AllocZeroed((nuint)sizeof(RuntimeServices));
        _runtime->GetVariable = &FakeGetVariable;
        s_value = Array.Empty<byte>();
        s_name = "UefiRecoveryConfig";
        s_attributes = 0;
        s_reportedSize = 0;
        s_seenName = "";
        s_seenCapacity = 0;
    }

    public void Dispose() => NativeMemory.Free(_runtime);

    [Fact]
    public void GetVariable_Present_CopiesDataSizeAndAttributes()
    {
        s_value = "uefirecovery.mode=netdiag\n"u8.ToArray();
        s_attributes = VariableAttributes.NonVolatile | VariableAttributes.BootServiceAccess;
        var services = new UefiRuntimeServices(_runtime);
        byte[] buffer = new byte[64];

        EfiStatus status = services.GetVariable("UefiRecoveryConfig\0", Vendor, buffer, out int size, out uint attributes);

        Assert.Equal(EfiStatus.Success, status);
        Assert.Equal(s_value.Length, size);
        Assert.Equal(s_value, buffer[..size]);
        Assert.Equal(0x3u, attributes);
        Assert.Equal("UefiRecoveryConfig", s_seenName);
        Assert.Equal((nuint)64, s_seenCapacity);
    }

    [Fact]
    public void GetVariable_Larger_BufferTooSmallWithNeededSizeNothingWritten()
    {
        s_value = new byte[5000];
        var services = new UefiRuntimeServices(_runtime);
        byte[] buffer = new byte[4096];

        EfiStatus status = services.GetVariable("UefiRecoveryConfig\0", Vendor, buffer, out int size, out _);

        Assert.Equal(EfiStatus.BufferTooSmall, status);
        Assert.Equal(5000, size);
        Assert.All(buffer, b => Assert.Equal(0, b));
    }

    [Fact]
    public void GetVariable_OtherName_NotFoundSizeZero()
    {
        var services = new UefiRuntimeServices(_runtime);

        EfiStatus status = services.GetVariable("Other\0", Vendor, new byte[16], out int size, out uint attributes);

        Assert.Equal(EfiStatus.NotFound, status);
        Assert.Equal(0, size);
        Assert.Equal(0u, attributes);
    }

    [Fact]
    public void GetVariable_NameWithoutTerminator_InvalidParameterFirmwareNotCalled()
    {
        var services = new UefiRuntimeServices(_runtime);

        EfiStatus status = services.GetVariable("UefiRecoveryConfig", Vendor, new byte[16], out _, out _);

        Assert.Equal(EfiStatus.InvalidParameter, status);
        Assert.Equal("", s_seenName);
    }

    [Fact]
    public void GetVariable_FirmwareClaimsMoreThanBuffer_BadBufferSize()
    {
        s_value = new byte[4];
        s_reportedSize = 100;
        var services = new UefiRuntimeServices(_runtime);

        EfiStatus status = services.GetVariable("UefiRecoveryConfig\0", Vendor, new byte[16], out int size, out _);

        Assert.Equal(EfiStatus.BadBufferSize, status);
        Assert.Equal(0, size);
    }

    [UnmanagedCallersOnly]
    private static EfiStatus FakeGetVariable(char* name, EfiGuid* vendor, uint* attributes, nuint* dataSize, void* data)
    {
        s_seenName = new string(name);
        s_seenCapacity = *dataSize;
        EfiGuid expected = Vendor;
        if (s_seenName != s_name || !vendor->Equals(expected))
            return EfiStatus.NotFound;
        if (*dataSize < (nuint)s_value.Length)
        {
            *dataSize = (nuint)s_value.Length;
            return EfiStatus.BufferTooSmall;
        }
        s_value.CopyTo(new Span<byte>(data, s_value.Length));
        *dataSize = s_reportedSize != 0 ? s_reportedSize : (nuint)s_value.Length;
        if (attributes != null)
            *attributes = s_attributes;
        return EfiStatus.Success;
    }
}
