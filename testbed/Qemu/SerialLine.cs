using System;
using System.Globalization;

namespace UefiRecovery.Testbed.Qemu;

/// <summary>One console line with terminal escapes removed, and when it arrived (since QEMU started).</summary>
public sealed record SerialLine(int Number, string Text, TimeSpan Elapsed)
{
    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"[{Elapsed.TotalSeconds,7:F2}s] {Text}");
}
