namespace UefiRecovery.Efi.Modes.SelfTest;

/// <summary>Prints <c>SELFTEST PASS name</c> / <c>SELFTEST FAIL name</c> and counts them.</summary>
internal sealed class ConsoleSelfTestSink : ISelfTestSink
{
    private readonly UefiConsole _console;

    public ConsoleSelfTestSink(UefiConsole console) => _console = console;

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
            .WriteLine(_console);
    }
}
