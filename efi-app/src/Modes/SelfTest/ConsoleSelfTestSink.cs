using System;
using UefiRecovery.Efi.Services.Console;
using UefiRecovery.Efi.Services.Machine;
using UefiRecovery.Efi.Uefi.Raw;

namespace UefiRecovery.Efi.Modes.SelfTest;

/// <summary>Prints <c>SELFTEST PASS name</c> / <c>SELFTEST FAIL name</c> and counts them.</summary>
internal sealed unsafe class ConsoleSelfTestSink : ISelfTestSink
{
    private readonly SystemTable* _systemTable;

    public ConsoleSelfTestSink(SystemTable* systemTable) => _systemTable = systemTable;

    public int Passed { get; private set; }
    public int Failed { get; private set; }

    public void Check(string name, bool passed)
    {
        if (passed)
            Passed++;
        else
            Failed++;
        new ConsoleLine(stackalloc char[128])
            .Append(passed ? "SELFTEST PASS " : "SELFTEST FAIL ")
            .Append(name)
            .WriteLine(_systemTable);
    }
}
