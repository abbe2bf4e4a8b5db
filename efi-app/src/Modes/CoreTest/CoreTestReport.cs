#if PORTABLE_CORE
using System;
using UefiRecovery.Efi.Services.Console;
using UefiRecovery.Efi.Services.Machine;
using UefiRecovery.Efi.Uefi.Raw;

namespace UefiRecovery.Efi.Modes.CoreTest;

/// <summary>
/// Counts and prints the coretest lines: "CORETEST PASS|FAIL name [detail]". The qemu-tests side
/// requires every expected name, so a check that silently does not run fails there too.
/// </summary>
internal sealed unsafe class CoreTestReport
{
    private readonly SystemTable* _systemTable;

    public CoreTestReport(SystemTable* systemTable) => _systemTable = systemTable;

    public int Passed { get; private set; }

    public int Failed { get; private set; }

    public SystemTable* SystemTable => _systemTable;

    public void Check(string name, bool ok) => Check(name, ok, "");

    public void Check(string name, bool ok, ReadOnlySpan<char> detail)
    {
        if (ok)
            Passed++;
        else
            Failed++;
        ConsoleLine line = new ConsoleLine(stackalloc char[200]).Append(ok ? "CORETEST PASS " : "CORETEST FAIL ").Append(name);
        if (!detail.IsEmpty)
            line = line.Append(" ").Append(detail);
        line.WriteLine(_systemTable);
    }
}
#endif
