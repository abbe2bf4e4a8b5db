using Internal.Runtime;

namespace UefiRecovery.Efi.Modes.SelfTest;

/// <summary>
/// Mode "selftest": runs every runtime check in real firmware and prints one line per check, the arena
/// figures and a final <c>SELFTEST DONE passed=N failed=M</c> (protocol: runtime-shim/README.md).
/// </summary>
internal static class EfiSelfTest
{
    /// <summary>Runs the checks; true when none failed.</summary>
    public static bool Run(UefiConsole console)
    {
        new ConsoleLine(stackalloc char[64]).Append("SELFTEST BEGIN").WriteLine(console);

        ConsoleSelfTestSink sink = new ConsoleSelfTestSink(console);
        PortableSelfTest.Run(sink);
        RuntimeChecks.Run(sink);
#if PORTABLE_CORE
        // Only when netstack and recovery-core are compiled in (IncludePortable, the default).
        PortableCoreChecks.Run(sink);
#endif
        // Last: it fills a chunk of its own (about 1 MiB, counted in the figures below).
        ArenaGuardChecks.Run(sink);

        new ConsoleLine(stackalloc char[160])
            .Append("SELFTEST ARENA used=").AppendDecimal(EfiRuntime.ArenaUsed)
            .Append(" highwater=").AppendDecimal(EfiRuntime.ArenaHighWater)
            .Append(" reserved=").AppendDecimal(EfiRuntime.ArenaReserved)
            .WriteLine(console);
        new ConsoleLine(stackalloc char[96])
            .Append("SELFTEST DONE passed=").AppendDecimal((ulong)sink.Passed)
            .Append(" failed=").AppendDecimal((ulong)sink.Failed)
            .WriteLine(console);
        return sink.Failed == 0;
    }

    /// <summary>Mode "selftest" with uefirecovery.selftest.failfast=&lt;kind&gt;: must not return.</summary>
    public static void RunFailFast(UefiConsole console, FailFastScenario scenario, System.ReadOnlySpan<char> name)
    {
        new ConsoleLine(stackalloc char[96]).Append("SELFTEST FAILFAST-TRIGGER ").Append(name).WriteLine(console);
        FailFastTriggers.Trigger(scenario);
        new ConsoleLine(stackalloc char[96]).Append("SELFTEST FAIL failfast.").Append(name).Append(" did not stop").WriteLine(console);
    }
}
