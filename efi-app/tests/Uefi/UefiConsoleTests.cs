using System;
using UefiRecovery.Efi.Uefi;
using Xunit;

namespace UefiRecovery.Efi.Tests.Uefi;

[Collection(FakeFirmwareCollection.Name)]
public sealed unsafe class UefiConsoleTests
{
    [Theory]
    [InlineData("hello", "hello")]
    [InlineData("a\nb\n", "a\r\nb\r\n")]
    [InlineData("a\r\nb", "a\r\nb")]
    [InlineData("\n\n", "\r\n\r\n")]
    [InlineData("", "")]
    public void Write_Text_ReachesOutputStringWithCrLf(string text, string expected)
    {
        using var firmware = new FakeFirmware();
        var console = new UefiConsole(firmware.ConOut);

        Assert.True(console.Write(text).IsSuccess);
        Assert.Equal(expected, FakeFirmware.Output.ToString());
    }

    [Fact]
    public void Write_TextLongerThanOneChunk_IsWrittenWhole()
    {
        using var firmware = new FakeFirmware();
        var console = new UefiConsole(firmware.ConOut);
        var text = new char[1000];
        for (int i = 0; i < text.Length; i++)
        {
            text[i] = i % 50 == 49 ? '\n' : (char)('a' + (i % 26));
        }

        Assert.True(console.Write(text).IsSuccess);
        Assert.Equal(new string(text).Replace("\n", "\r\n"), FakeFirmware.Output.ToString());
        Assert.True(FakeFirmware.OutputCalls > 1);
    }

    [Fact]
    public void WriteLine_Text_EndsWithCrLf()
    {
        using var firmware = new FakeFirmware();
        var console = new UefiConsole(firmware.ConOut);

        Assert.True(console.WriteLine("ok").IsSuccess);
        Assert.Equal("ok\r\n", FakeFirmware.Output.ToString());
    }

    [Fact]
    public void Write_DeviceError_StopsAndReturnsStatus()
    {
        using var firmware = new FakeFirmware();
        FakeFirmware.OutputStatus = EfiStatus.DeviceError;
        var console = new UefiConsole(firmware.ConOut);

        EfiResult result = console.Write(new string('x', 1000));

        Assert.False(result.IsSuccess);
        Assert.Equal(EfiStatus.DeviceError, result.Status);
        Assert.Equal(1, FakeFirmware.OutputCalls);
    }

    [Fact]
    public void Write_UnknownGlyphWarning_CountsAsWritten()
    {
        using var firmware = new FakeFirmware();
        FakeFirmware.OutputStatus = EfiStatus.WarnUnknownGlyph;
        var console = new UefiConsole(firmware.ConOut);

        Assert.True(console.Write("\u2603").IsSuccess);
    }
}
