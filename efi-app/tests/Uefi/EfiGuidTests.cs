using System;
using UefiRecovery.Core.Common;
using UefiRecovery.Efi.Uefi;
using UefiRecovery.Efi.Uefi.Raw;
using Xunit;

namespace UefiRecovery.Efi.Tests.Uefi;

public sealed unsafe class EfiGuidTests
{
    /// <summary>
    /// EFI_SYSTEM_NV_DATA_FV_GUID FFF12B8D-7696-4C8B-A985-2747075B4F50 as stored at offset 10h of
    /// OVMF_VARS_4M.fd (Debian ovmf 2022.11): Data1..Data3 little-endian, Data4 as written.
    /// </summary>
    private const string SystemNvDataFvGuidBytes = "8D2BF1FF96768B4CA9852747075B4F50";

    [Fact]
    public void TryRead_SpecByteLayout_EqualsDeclaredGuid()
    {
        Assert.True(EfiGuid.TryRead(Convert.FromHexString(SystemNvDataFvGuidBytes), out EfiGuid guid));

        Assert.True(guid.Equals(FirmwareVolumeHeader.SystemNvDataFvGuid));
        Assert.Equal(0x85, guid.Data4(1));
        Assert.Equal(0xFFF12B8Du, guid.Data1);
        Assert.Equal(0x7696, guid.Data2);
        Assert.Equal(0x4C8B, guid.Data3);
    }

    [Fact]
    public void TryWrite_Guid_MatchesInMemoryLayout()
    {
        EfiGuid guid = FirmwareVolumeHeader.SystemNvDataFvGuid;
        var written = new byte[16];

        Assert.True(guid.TryWrite(written));
        Assert.Equal(SystemNvDataFvGuidBytes, Convert.ToHexString(written));
        Assert.Equal(written, new ReadOnlySpan<byte>(&guid, sizeof(EfiGuid)).ToArray());
    }

    [Fact]
    public void TryRead_FifteenBytes_FailsWithZeroGuid()
    {
        Assert.False(EfiGuid.TryRead(new byte[15], out EfiGuid guid));
        Assert.True(guid.Equals(default(EfiGuid)));
    }

    [Fact]
    public void Equals_DifferInLastByte_IsFalse()
    {
        EfiGuid a = SimpleTextOutputProtocol.Guid;
        EfiGuid b = new(a.Data1, a.Data2, a.Data3, a.Data4(0), a.Data4(1), a.Data4(2), a.Data4(3), a.Data4(4), a.Data4(5), a.Data4(6),
            (byte)(a.Data4(7) ^ 1));

        Assert.False(a.Equals(b));
        Assert.True(a.Equals(SimpleTextOutputProtocol.Guid));
        Assert.False(SimpleTextOutputProtocol.Guid.Equals(SimpleTextInputProtocol.Guid));
    }

    /// <summary>Each protocol GUID, in the registry form the specs print it, to catch a mistyped byte.</summary>
    [Theory]
    [InlineData("SimpleTextOutput", "387477C2-69C7-11D2-8E39-00A0C969723B")]
    [InlineData("SimpleTextInput", "387477C1-69C7-11D2-8E39-00A0C969723B")]
    [InlineData("LoadedImage", "5B1B31A1-9562-11D2-8E3F-00A0C969723B")]
    [InlineData("DevicePath", "09576E91-6D3F-11D2-8E39-00A0C969723B")]
    [InlineData("SimpleNetwork", "A19832B9-AC25-11D3-9A2D-0090273FC14D")]
    [InlineData("FirmwareVolumeBlock2", "8F644FA9-E850-4DB1-9CE2-0B44698E8DA4")]
    [InlineData("CpuIo2", "AD61F191-AE5F-4C0E-B9FA-E869D288C64F")]
    [InlineData("Smbios", "EB9D2D31-2D88-11D3-9A16-0090273FC14D")]
    [InlineData("Smbios3", "F2FD1544-9794-4A2C-992E-E5BBCF20E394")]
    [InlineData("GlobalVariable", "8BE4DF61-93CA-11D2-AA0D-00E098032B8C")]
    [InlineData("SystemNvDataFv", "FFF12B8D-7696-4C8B-A985-2747075B4F50")]
    [InlineData("FirmwareFileSystem2", "8C8CE578-8A3D-4F1C-9935-896185C32DD3")]
    [InlineData("FirmwareFileSystem3", "5473C07A-3DCB-4DCA-BD6F-1E9689E7349A")]
    public void Guid_Declared_MatchesRegistryForm(string name, string registry)
    {
        EfiGuid guid = name switch
        {
            "SimpleTextOutput" => SimpleTextOutputProtocol.Guid,
            "SimpleTextInput" => SimpleTextInputProtocol.Guid,
            "LoadedImage" => LoadedImageProtocol.Guid,
            "DevicePath" => DevicePathProtocol.Guid,
            "SimpleNetwork" => SimpleNetworkProtocol.Guid,
            "FirmwareVolumeBlock2" => FirmwareVolumeBlock2Protocol.Guid,
            "CpuIo2" => CpuIo2Protocol.Guid,
            "Smbios" => SmbiosEntryPoint.Guid,
            "Smbios3" => Smbios3EntryPoint.Guid,
            "GlobalVariable" => VariableAttributes.GlobalVariableGuid,
            "SystemNvDataFv" => FirmwareVolumeHeader.SystemNvDataFvGuid,
            "FirmwareFileSystem2" => FirmwareVolumeHeader.FirmwareFileSystem2Guid,
            "FirmwareFileSystem3" => FirmwareVolumeHeader.FirmwareFileSystem3Guid,
            _ => throw new ArgumentOutOfRangeException(nameof(name)),
        };

        // System.Guid's byte form uses the same mixed-endian layout as EFI_GUID.
        byte[] expected = System.Guid.Parse(registry).ToByteArray();
        Assert.Equal(expected, new ReadOnlySpan<byte>(&guid, sizeof(EfiGuid)).ToArray());
    }
}
