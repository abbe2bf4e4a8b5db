#if PORTABLE_CORE
using Internal.Runtime;

namespace UefiRecovery.Efi.Modes.CoreTest;

/// <summary>
/// uefirecovery.mode=coretest: the portable core (recovery-core, netstack) run inside the firmware against
/// real inputs, proving the code that runs on the host tests also runs on runtime-shim:
/// the EDK2 capsule vectors from the ESP (<see cref="CapsuleChecks"/>), the recovery protocol client against an
/// in-memory donor (<see cref="ProtocolLoopbackChecks"/>) and netstack against captured frames
/// (<see cref="NetstackChecks"/>). Lines: "CORETEST PASS|FAIL name ...", "CORETEST TIME ...",
/// then the sentinel "CORETEST DONE passed=N failed=M". Returns the machine exit code.
/// </summary>
internal static class CoreTestMode
{
    public static int Run(UefiSystemTable system)
    {
        UefiConsole console = system.ConsoleOut;
        new ConsoleLine(stackalloc char[32]).Append("CORETEST BEGIN").WriteLine(console);
        UefiBootServices services = system.BootServices;
        // The capsule checks take seconds under TCG; keep the 5-minute watchdog out of the way.
        services.DisableWatchdog();

        CoreTestReport report = new CoreTestReport(console);
        EspFileReader? esp = EspFileReader.Open(services);
        CapsuleChecks.Run(report, esp, services, system.RuntimeServices);
        OfferSignatureChecks.Run(report, esp);
        ProtocolLoopbackChecks.Run(report);
        FecChecks.Run(report);
        NetstackChecks.Run(report);
        MonotonicClock.Stop();

        new ConsoleLine(stackalloc char[120]).Append("CORETEST ARENA used=").AppendDecimal(EfiRuntime.ArenaUsed)
            .Append(" highwater=").AppendDecimal(EfiRuntime.ArenaHighWater)
            .Append(" reserved=").AppendDecimal(EfiRuntime.ArenaReserved).WriteLine(console);
        new ConsoleLine(stackalloc char[80]).Append("CORETEST DONE passed=").AppendDecimal((ulong)report.Passed)
            .Append(" failed=").AppendDecimal((ulong)report.Failed).WriteLine(console);
        return report.Failed == 0 && report.Passed > 0 ? MachineExitCodes.Success : MachineExitCodes.Failure;
    }
}
#endif
