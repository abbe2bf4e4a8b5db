using UefiRecovery.Efi.Uefi;
using Xunit;

namespace UefiRecovery.Efi.Tests.Uefi;

public sealed class EfiStatusTests
{
    /// <summary>Values from UEFI 2.10 Appendix D, Tables D.3 and D.4, for a 64-bit UINTN.</summary>
    public static TheoryData<string, ulong> SpecValues => new()
    {
        { nameof(EfiStatus.Success), 0x0000000000000000 },
        { nameof(EfiStatus.LoadError), 0x8000000000000001 },
        { nameof(EfiStatus.InvalidParameter), 0x8000000000000002 },
        { nameof(EfiStatus.Unsupported), 0x8000000000000003 },
        { nameof(EfiStatus.BadBufferSize), 0x8000000000000004 },
        { nameof(EfiStatus.BufferTooSmall), 0x8000000000000005 },
        { nameof(EfiStatus.NotReady), 0x8000000000000006 },
        { nameof(EfiStatus.DeviceError), 0x8000000000000007 },
        { nameof(EfiStatus.WriteProtected), 0x8000000000000008 },
        { nameof(EfiStatus.OutOfResources), 0x8000000000000009 },
        { nameof(EfiStatus.VolumeCorrupted), 0x800000000000000A },
        { nameof(EfiStatus.VolumeFull), 0x800000000000000B },
        { nameof(EfiStatus.NoMedia), 0x800000000000000C },
        { nameof(EfiStatus.MediaChanged), 0x800000000000000D },
        { nameof(EfiStatus.NotFound), 0x800000000000000E },
        { nameof(EfiStatus.AccessDenied), 0x800000000000000F },
        { nameof(EfiStatus.NoResponse), 0x8000000000000010 },
        { nameof(EfiStatus.NoMapping), 0x8000000000000011 },
        { nameof(EfiStatus.Timeout), 0x8000000000000012 },
        { nameof(EfiStatus.NotStarted), 0x8000000000000013 },
        { nameof(EfiStatus.AlreadyStarted), 0x8000000000000014 },
        { nameof(EfiStatus.Aborted), 0x8000000000000015 },
        { nameof(EfiStatus.IcmpError), 0x8000000000000016 },
        { nameof(EfiStatus.TftpError), 0x8000000000000017 },
        { nameof(EfiStatus.ProtocolError), 0x8000000000000018 },
        { nameof(EfiStatus.IncompatibleVersion), 0x8000000000000019 },
        { nameof(EfiStatus.SecurityViolation), 0x800000000000001A },
        { nameof(EfiStatus.CrcError), 0x800000000000001B },
        { nameof(EfiStatus.EndOfMedia), 0x800000000000001C },
        { nameof(EfiStatus.EndOfFile), 0x800000000000001F },
        { nameof(EfiStatus.InvalidLanguage), 0x8000000000000020 },
        { nameof(EfiStatus.CompromisedData), 0x8000000000000021 },
        { nameof(EfiStatus.IpAddressConflict), 0x8000000000000022 },
        { nameof(EfiStatus.HttpError), 0x8000000000000023 },
        { nameof(EfiStatus.WarnUnknownGlyph), 0x0000000000000001 },
        { nameof(EfiStatus.WarnDeleteFailure), 0x0000000000000002 },
        { nameof(EfiStatus.WarnWriteFailure), 0x0000000000000003 },
        { nameof(EfiStatus.WarnBufferTooSmall), 0x0000000000000004 },
        { nameof(EfiStatus.WarnStaleData), 0x0000000000000005 },
        { nameof(EfiStatus.WarnFileSystem), 0x0000000000000006 },
        { nameof(EfiStatus.WarnResetRequired), 0x0000000000000007 },
    };

    [Theory]
    [MemberData(nameof(SpecValues))]
    public void NamedStatus_Value_MatchesAppendixD(string name, ulong expected)
    {
        var status = (EfiStatus)typeof(EfiStatus).GetProperty(name)!.GetValue(null)!;

        Assert.Equal(expected, (ulong)status.Value);
        Assert.Equal(expected >= 0x8000000000000000, status.IsError);
        Assert.Equal(expected != 0 && expected < 0x8000000000000000, status.IsWarning);
        Assert.Equal(expected == 0, status.IsSuccess);
    }

    [Fact]
    public void NamedStatuses_AllListed_NoneMissingFromTable()
    {
        int declared = typeof(EfiStatus).GetProperties(System.Reflection.BindingFlags.Public | System.Reflection.BindingFlags.Static).Length;

        Assert.Equal(SpecValues.Count, declared);
    }

    [Fact]
    public void Code_ErrorStatus_DropsHighBit()
    {
        Assert.Equal(14UL, EfiStatus.NotFound.Code);
        Assert.Equal(4UL, EfiStatus.WarnBufferTooSmall.Code);
    }

    [Fact]
    public void Equality_SameValue_IsEqual()
    {
        Assert.True(EfiStatus.NotFound == new EfiStatus(unchecked((nuint)0x800000000000000E)));
        Assert.True(EfiStatus.NotFound != EfiStatus.WarnDeleteFailure);
        Assert.False(EfiStatus.BufferTooSmall == EfiStatus.WarnBufferTooSmall);
    }
}
