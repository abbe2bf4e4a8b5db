using System;
using System.Collections.Generic;
using System.Linq;
using System.Text;

namespace UefiRecovery.Testbed.Bmc;

/// <summary>
/// The commands the simulated BMC implements (IPMI 2.0): Get Device ID (App 01h), Get System Info Parameters
/// (App 59h) with the OEM text parameter C0h holding <c>uefirecovery.*</c> lines in the spec's string layout
/// (set 0: encoding, length, 14 bytes; set n: 16 bytes), and Get System Boot Options (Chassis 09h) parameter 5.
/// OpenBMC's BLOB commands (OEM/Group 2Eh, 80h) go to <see cref="Blobs"/>. Everything else: C1h invalid command.
/// The answer is completion code then data (the simulator adds the header); null: the answer is dropped.
/// </summary>
public sealed class BmcResponder
{
    public const byte NetFnChassis = 0x00;
    public const byte NetFnApp = 0x06;
    public const byte RecoveryParameter = 0xC0;

    /// <summary>The text of parameter C0h (lines joined with '\n'); null: the BMC does not have the parameter (80h).</summary>
    public string? RecoveryText { get; set; }

    /// <summary>The five data bytes of boot options parameter 5 (all zero: no override).</summary>
    public byte[] BootFlags { get; set; } = new byte[5];

    /// <summary>The recovery settings as separate lines.</summary>
    public static BmcResponder WithSettings(IEnumerable<string> lines) => new() { RecoveryText = string.Join("\n", lines) };

    /// <summary>The BLOB store (OpenBMC's BLOB transfer protocol), empty at first.</summary>
    public BmcBlobStore Blobs { get; } = new();

    public static byte[] CompletionOnly(byte code) => new[] { code };

    public byte[]? Answer(BmcRequest request) => (request.NetFn, request.Command) switch
    {
        (BmcBlobStore.NetFn, BmcBlobStore.Command) => Blobs.Answer(request.Data),
        (NetFnApp, 0x01) => DeviceId(),
        (NetFnApp, 0x59) => SystemInfo(request.Data),
        (NetFnChassis, 0x09) => BootOptions(request.Data),
        _ => CompletionOnly(0xC1),
    };

    // §20.1: device 20h, revision 1 (provides SDRs: no), firmware 1.00, IPMI 2.0, no extra support, IANA 343 (Intel, a placeholder), product 1.
    private static byte[] DeviceId() => new byte[] { 0x00, 0x20, 0x01, 0x01, 0x00, 0x02, 0x00, 0x57, 0x01, 0x00, 0x01, 0x00 };

    private byte[] SystemInfo(byte[] data)
    {
        if (data.Length < 4)
            return CompletionOnly(0xC7);
        byte parameter = data[1];
        int set = data[2];
        if (parameter != RecoveryParameter || RecoveryText == null)
            return CompletionOnly(0x80); // parameter not supported
        byte[] text = Encoding.ASCII.GetBytes(RecoveryText);
        if (text.Length > 255)
            throw new InvalidOperationException("parameter C0h holds at most 255 bytes (the spec's one-byte string length)");
        int start = set == 0 ? 0 : 14 + (set - 1) * 16;
        if (start > text.Length || (set > 0 && start == text.Length))
            return CompletionOnly(0xC9); // set selector beyond the text
        int take = Math.Min(set == 0 ? 14 : 16, text.Length - start);
        var answer = new List<byte> { 0x00, 0x11, (byte)set };
        if (set == 0)
        {
            answer.Add(0x00); // ASCII+Latin-1
            answer.Add((byte)text.Length);
        }
        answer.AddRange(text.Skip(start).Take(take));
        return answer.ToArray();
    }

    private byte[] BootOptions(byte[] data)
    {
        if (data.Length < 3)
            return CompletionOnly(0xC7);
        if ((data[0] & 0x7F) != 5)
            return CompletionOnly(0x80); // parameter not supported
        return new byte[] { 0x00, 0x01, 0x05 }.Concat(BootFlags).ToArray();
    }
}
