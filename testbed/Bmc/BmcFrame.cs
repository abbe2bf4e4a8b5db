using System;
using System.Collections.Generic;

namespace UefiRecovery.Testbed.Bmc;

/// <summary>
/// The byte framing of QEMU's <c>ipmi-bmc-extern</c> chardev (hw/ipmi/ipmi_bmc_extern.c, OpenIPMI's "VM"
/// serial protocol): a message ends with A0h, a control command with A1h; A0h, A1h and AAh inside are sent
/// as AAh then the byte with bit 4 set. A message is seq, netfn&lt;&lt;2|lun, cmd, data, and a checksum that
/// makes the bytes sum to zero.
/// </summary>
public static class BmcFrame
{
    public const byte MessageEnd = 0xA0;
    public const byte CommandEnd = 0xA1;
    public const byte Escape = 0xAA;

    /// <summary>Appends <paramref name="body"/>, its checksum and the end marker, escaped.</summary>
    public static byte[] EncodeMessage(ReadOnlySpan<byte> body)
    {
        var output = new List<byte>(body.Length * 2 + 3);
        byte sum = 0;
        foreach (byte value in body)
        {
            AddEscaped(output, value);
            sum += value;
        }
        AddEscaped(output, (byte)-sum);
        output.Add(MessageEnd);
        return output.ToArray();
    }

    /// <summary>True when the bytes of a message (checksum included) sum to zero mod 256.</summary>
    public static bool ChecksumValid(ReadOnlySpan<byte> message)
    {
        byte sum = 0;
        foreach (byte value in message)
            sum += value;
        return sum == 0;
    }

    private static void AddEscaped(List<byte> output, byte value)
    {
        if (value is MessageEnd or CommandEnd or Escape)
        {
            output.Add(Escape);
            output.Add((byte)(value | 0x10));
        }
        else
        {
            output.Add(value);
        }
    }
}
