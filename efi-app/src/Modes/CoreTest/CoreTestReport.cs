#if PORTABLE_CORE

namespace UefiRecovery.Efi.Modes.CoreTest;

/// <summary>
/// Counts and prints the coretest lines: "CORETEST PASS|FAIL name [detail]". The qemu-tests side
/// requires every expected name, so a check that silently does not run fails there too.
/// </summary>
internal sealed class CoreTestReport
{
    public CoreTestReport(UefiConsole console) => Console = console;

    public int Passed { get; private set; }

    public int Failed { get; private set; }

    /// <summary>Where the checks print their TIME and INFO lines too.</summary>
    public UefiConsole Console { get; }

    public void Check(string name, bool ok) => Check(name, ok, "");

    public void Check(string name, bool ok, ReadOnlySpan<char> detail)
    {
        if (ok)
            Passed++;
        else
            Failed++;
        ConsoleLine line = new ConsoleLine(stackalloc char[200]).Append(ok ? "CORETEST PASS " : "CORETEST FAIL ").Append(name);
        if (!detail.IsEmpty)
            line.Append(" ").Append(detail);
        line.WriteLine(Console);
    }
}
#endif
