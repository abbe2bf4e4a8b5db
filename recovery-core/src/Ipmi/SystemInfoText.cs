using System;

namespace UefiRecovery.Core.Ipmi;

/// <summary>
/// A text parameter of Get System Info Parameters (IPMI 2.0 §22.14a, Table 22-16a), in the layout the spec
/// gives its string parameters (1-4): set 0 holds encoding, total length and the first 14 bytes; set n the
/// next 16. This project keeps its recovery settings in OEM parameter C0h in that layout (docs/bmc.md).
/// </summary>
public static class SystemInfoText
{
    /// <summary>The OEM parameter holding <c>uefirecovery.*</c> lines.</summary>
    public const byte RecoveryParameter = 0xC0;

    /// <summary>The spec's longest string: the length is one byte.</summary>
    public const int MaxBytes = 255;

    public const int FirstBlockTextBytes = 14;
    public const int BlockTextBytes = 16;

    /// <summary>Encoding 0: ASCII+Latin-1; the only one accepted (config lines are ASCII).</summary>
    public const byte AsciiEncoding = 0;

    /// <summary>Completion code of Get System Info Parameters for "parameter not supported".</summary>
    public const byte ParameterNotSupported = 0x80;

    /// <summary>Reads the whole text of <paramref name="parameter"/> into <paramref name="text"/>.</summary>
    public static SystemInfoTextStatus Read(IpmiClient client, byte parameter, Span<byte> text, out int length)
    {
        length = 0;
        Span<byte> request = stackalloc byte[4];
        int total = -1;
        for (int set = 0; total < 0 || length < total; set++)
        {
            request[0] = 0x00; // get the parameter, not only its revision
            request[1] = parameter;
            request[2] = (byte)set;
            request[3] = 0x00;
            IpmiStatus status = client.Send(IpmiNetFn.App, IpmiNetFn.GetSystemInfoParameters, request, out ReadOnlySpan<byte> data);
            if (status == IpmiStatus.CompletionCode && set == 0
                && (client.LastCompletionCode == ParameterNotSupported || client.LastCompletionCode == (byte)IpmiCompletionCode.InvalidCommand))
                return SystemInfoTextStatus.NotSupported;
            if (status != IpmiStatus.Ok)
                return status == IpmiStatus.MalformedResponse ? SystemInfoTextStatus.Malformed : SystemInfoTextStatus.Failed;
            // data: parameter revision, set selector, block.
            if (data.Length < 2 || data[1] != set)
                return SystemInfoTextStatus.Malformed;
            ReadOnlySpan<byte> block = data.Slice(2);
            if (set == 0)
            {
                if (block.Length < 2 || (block[0] & 0x0F) != AsciiEncoding || block[1] > text.Length)
                    return SystemInfoTextStatus.Malformed;
                total = block[1];
                block = block.Slice(2);
            }
            int take = Math.Min(block.Length, total - length);
            // The layout's blocks are full (14, then 16 bytes) but the last: a shorter one would let a BMC
            // spend a command per byte (255 at up to a response budget each) or, empty, loop forever.
            if (take < Math.Min(set == 0 ? FirstBlockTextBytes : BlockTextBytes, total - length))
            {
                length = 0;
                return SystemInfoTextStatus.Malformed;
            }
            block.Slice(0, take).CopyTo(text.Slice(length));
            length += take;
            if (set == 255 && length < total)
                return SystemInfoTextStatus.Malformed;
        }
        return SystemInfoTextStatus.Read;
    }
}
