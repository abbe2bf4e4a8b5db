using System;
using System.Text;
using UefiRecovery.Core.Ipmi;
using Xunit;

namespace UefiRecovery.Core.Tests.Ipmi;

/// <summary>The message codec and the three commands the app sends, over the spec KCS model.</summary>
public sealed class IpmiCommandTests
{
    private static IpmiClient Client(SpecKcsBmc bmc) => new(new KcsInterface(bmc, 1_000, 5_000_000, 1));

    // Get System Info Parameters per §22.14a: revision 11h, set selector echoed, the string blocks.
    private static Func<byte[], byte[]> SystemInfo(byte[]? text, byte encoding = 0, bool echoWrongSet = false) => request =>
    {
        if (request[1] != IpmiNetFn.GetSystemInfoParameters)
            return [(byte)(request[0] | 0x04), request[1], 0xC1];
        if (text == null)
            return [(byte)(request[0] | 0x04), request[1], 0x80];
        int set = request[4];
        byte[] block = set == 0 ? [encoding, (byte)text.Length, .. Slice(text, 0, 14)] : Slice(text, 14 + (set - 1) * 16, 16);
        return [(byte)(request[0] | 0x04), request[1], 0x00, 0x11, (byte)(echoWrongSet ? set + 1 : set), .. block];
    };

    private static byte[] Slice(byte[] text, int start, int count) =>
        start >= text.Length ? [] : text.AsSpan(start, Math.Min(count, text.Length - start)).ToArray();

    public static TheoryData<string> Texts => new()
    {
        "",
        "uefirecovery.manager=10.0.2.2:6310",
        "uefirecovery.manager=192.168.100.1:6310\nuefirecovery.manager=192.168.100.2:6310\nuefirecovery.mode=auto\n",
    };

    [Theory]
    [MemberData(nameof(Texts))]
    public void SystemInfoTextRead_Blocks_WholeTextInOrder(string text)
    {
        var bmc = new SpecKcsBmc { Handler = SystemInfo(Encoding.ASCII.GetBytes(text)) };
        var buffer = new byte[SystemInfoText.MaxBytes];

        SystemInfoTextStatus status = SystemInfoText.Read(Client(bmc), SystemInfoText.RecoveryParameter, buffer, out int length);

        Assert.Equal(SystemInfoTextStatus.Read, status);
        Assert.Equal(text, Encoding.ASCII.GetString(buffer, 0, length));
        Assert.Equal(Math.Max(1, 1 + (text.Length - 14 + 15) / 16), bmc.Requests.Count);
    }

    [Fact]
    public void SystemInfoTextRead_ParameterNotSupported_NotSupported()
    {
        var bmc = new SpecKcsBmc { Handler = SystemInfo(null) };

        SystemInfoTextStatus status = SystemInfoText.Read(Client(bmc), SystemInfoText.RecoveryParameter, new byte[255], out int length);

        Assert.Equal(SystemInfoTextStatus.NotSupported, status);
        Assert.Equal(0, length);
    }

    [Fact]
    public void SystemInfoTextRead_BmcGivesOneByteABlock_MalformedAtFirstShortBlock()
    {
        byte[] text = new byte[200];
        var bmc = new SpecKcsBmc
        {
            Handler = request =>
            {
                int set = request[4];
                byte[] block = set == 0 ? [0, (byte)text.Length, .. text[..14]] : [text[13 + set]];
                return [(byte)(request[0] | 0x04), request[1], 0x00, 0x11, (byte)set, .. block];
            },
        };

        SystemInfoTextStatus status = SystemInfoText.Read(Client(bmc), SystemInfoText.RecoveryParameter, new byte[255], out int length);

        Assert.Equal(SystemInfoTextStatus.Malformed, status);
        Assert.Equal(0, length);
        Assert.Equal(2, bmc.Requests.Count);
    }

    [Theory]
    [InlineData(1, false, 20)] // not ASCII
    [InlineData(0, true, 20)] // wrong set echoed
    [InlineData(0, false, 44)] // longer than the caller's 40-byte buffer
    public void SystemInfoTextRead_BadBlocks_Malformed(byte encoding, bool wrongSet, int textLength)
    {
        var bmc = new SpecKcsBmc { Handler = SystemInfo(new byte[textLength], encoding, wrongSet) };

        SystemInfoTextStatus status = SystemInfoText.Read(Client(bmc), SystemInfoText.RecoveryParameter, new byte[40], out int length);

        Assert.Equal(SystemInfoTextStatus.Malformed, status);
        Assert.Equal(0, length);
    }

    [Theory]
    [InlineData(new byte[] { 0x80, 0x10, 0, 0, 0 }, true)] // valid, diagnostic partition
    [InlineData(new byte[] { 0x00, 0x10, 0, 0, 0 }, false)] // not valid
    [InlineData(new byte[] { 0x80, 0x04, 0, 0, 0 }, false)] // valid, PXE
    public void BootFlagsRead_Flags_RecoveryOnlyForValidDiagnosticPartition(byte[] flags, bool expected)
    {
        var bmc = new SpecKcsBmc { Handler = request => [0x04, request[1], 0x00, 0x01, 0x05, .. flags] };

        IpmiStatus status = BootFlags.Read(Client(bmc), out bool recovery);

        Assert.Equal(IpmiStatus.Ok, status);
        Assert.Equal(expected, recovery);
        Assert.Equal(new byte[] { 0x00, 0x09, 0x05, 0x00, 0x00 }, Assert.Single(bmc.Requests));
    }

    [Theory]
    [InlineData(0x00, "ok")]
    [InlineData(0xC0, "node-busy")]
    [InlineData(0xC3, "timeout")]
    [InlineData(0xD5, "not-supported-in-present-state")]
    [InlineData(0x01, "device-specific")]
    [InlineData(0x80, "command-specific")]
    [InlineData(0xBF, "reserved")]
    public void CompletionCodeName_Ranges_SpecNames(byte code, string expected) => Assert.Equal(expected, IpmiCompletionCodeNames.Name(code));

    [Fact]
    public void Send_InvalidCommand_CompletionCodeNamed()
    {
        var bmc = new SpecKcsBmc { Handler = request => [(byte)(request[0] | 0x04), request[1], 0xC1] };
        var client = Client(bmc);

        IpmiStatus status = client.Send(IpmiNetFn.App, 0x42, default, out _);

        Assert.Equal(IpmiStatus.CompletionCode, status);
        Assert.Equal("invalid-command", IpmiCompletionCodeNames.Name(client.LastCompletionCode));
    }

    [Theory]
    [InlineData(0xC0, 2, IpmiStatus.Ok, 3)]
    [InlineData(0xC3, 2, IpmiStatus.Ok, 3)]
    [InlineData(0xC0, 3, IpmiStatus.CompletionCode, 3)]
    [InlineData(0xC1, 1, IpmiStatus.CompletionCode, 1)]
    public void Send_BusyOrTimeoutCodes_RetriedUpToLimit(byte code, int failures, IpmiStatus expected, int requests)
    {
        int seen = 0;
        var bmc = new SpecKcsBmc { Handler = request => [(byte)(request[0] | 0x04), request[1], ++seen <= failures ? code : (byte)0x00] };
        var client = new IpmiClient(new KcsInterface(bmc, 1_000, 5_000_000, 1), commandRetries: 2);

        IpmiStatus status = client.Send(IpmiNetFn.App, IpmiNetFn.GetDeviceId, default, out _);

        Assert.Equal(expected, status);
        Assert.Equal(requests, bmc.Requests.Count);
        Assert.Equal(requests - 1, client.CommandsRetried);
    }

    [Theory]
    [InlineData(new byte[] { 0x1C, 0x01 })] // shorter than the header
    [InlineData(new byte[] { 0x04, 0x01, 0x00 })] // answers netfn Chassis
    [InlineData(new byte[] { 0x1C, 0x02, 0x00 })] // answers another command
    public void Send_ResponseForOtherRequest_Malformed(byte[] response)
    {
        var bmc = new SpecKcsBmc { Handler = _ => response };

        IpmiStatus status = Client(bmc).Send(IpmiNetFn.App, IpmiNetFn.GetDeviceId, default, out ReadOnlySpan<byte> data);

        Assert.Equal(IpmiStatus.MalformedResponse, status);
        Assert.True(data.IsEmpty);
    }

    [Fact]
    public void DeviceIdTryParse_SpecLayout_Fields()
    {
        byte[] data = [0x20, 0x81, 0x02, 0x15, 0x02, 0xBF, 0x57, 0x01, 0x00, 0x34, 0x12];

        Assert.True(BmcDeviceId.TryParse(data, out BmcDeviceId id));
        Assert.Equal(0x20, id.DeviceId);
        Assert.Equal(2, id.FirmwareMajor);
        Assert.Equal(0x15, id.FirmwareMinor);
        Assert.Equal(0x02, id.IpmiVersion);
        Assert.Equal(343u, id.Manufacturer);
        Assert.Equal(0x1234, id.Product);
        Assert.False(BmcDeviceId.TryParse(data.AsSpan(0, 10), out _));
    }
}
