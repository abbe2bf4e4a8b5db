using System;
using System.Collections.Generic;

namespace UefiRecovery.Testbed.Bmc;

/// <summary>Splits the chardev byte stream into frames, undoing the escapes (<see cref="BmcFrame"/>).</summary>
public sealed class BmcFrameReader
{
    /// <summary>Longer frames are cut off and reported broken (QEMU's MAX_IPMI_MSG_SIZE plus seq and checksum).</summary>
    public const int MaxFrameBytes = 302;

    private readonly List<byte> _frame = new();
    private bool _escape;
    private bool _tooLong;

    /// <summary>Feeds one byte; true when it ended a frame, given in <paramref name="kind"/> and <paramref name="frame"/>.</summary>
    public bool Add(byte value, out BmcFrameKind kind, out byte[] frame)
    {
        kind = BmcFrameKind.Broken;
        frame = Array.Empty<byte>();
        switch (value)
        {
            case BmcFrame.MessageEnd:
            case BmcFrame.CommandEnd:
                kind = _escape || _tooLong ? BmcFrameKind.Broken : value == BmcFrame.MessageEnd ? BmcFrameKind.Message : BmcFrameKind.Control;
                frame = _frame.ToArray();
                _frame.Clear();
                _escape = false;
                _tooLong = false;
                return true;
            case BmcFrame.Escape:
                _escape = true;
                return false;
            default:
                if (_escape)
                {
                    value = (byte)(value & ~0x10);
                    _escape = false;
                }
                if (_frame.Count >= MaxFrameBytes)
                    _tooLong = true;
                else
                    _frame.Add(value);
                return false;
        }
    }
}
