using System.Collections.Generic;
using UefiRecovery.Efi.Modes.SelfTest;

namespace UefiRecovery.RuntimeShim.Tests;

/// <summary>Collects every self-test result in order.</summary>
internal sealed class RecordingSink : ISelfTestSink
{
    public List<(string Name, bool Passed)> Results { get; } = new();

    public void Check(string name, bool passed) => Results.Add((name, passed));

    public static RecordingSink RunAll()
    {
        RecordingSink sink = new();
        PortableSelfTest.Run(sink);
        return sink;
    }
}
