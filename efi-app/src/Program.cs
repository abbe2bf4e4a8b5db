using Internal.Runtime;
#if PORTABLE_CORE
using UefiRecovery.Core.Config;
using UefiRecovery.Efi.Modes.CoreTest;
using UefiRecovery.Efi.Modes.FvbCheck;
using UefiRecovery.Efi.Modes.NetDiag;
using UefiRecovery.Efi.Modes.Recovery;
using UefiRecovery.Efi.Modes.StageToBmc;
#endif
using UefiRecovery.Efi.Modes.SelfTest;

namespace UefiRecovery.Efi;

/// <summary>
/// What the app does after start-up. The configuration is resolved once from all sources
/// (Services/Config/ConfigResolution.cs: EFI variable, ESP file, SMBIOS OEM strings, defaults; docs/config.md)
/// and the app dispatches on its <c>uefirecovery.mode</c>: none prints the banner and returns to the
/// firmware; "selftest" runs the runtime self-test; "netdiag" the network diagnostics; "coretest" the
/// portable core (capsules, protocol, netstack) inside the firmware; "fvbcheck" the firmware-region
/// check; "stage-to-bmc" sends the stage list's files to the BMC; "auto" and "recover" the recovery.
/// The build without the portable core knows only SMBIOS OEM strings and the self-test.
/// </summary>
internal static class Program
{
    internal static nuint Run(UefiSystemTable system)
    {
        PrintBanner(system);

#if PORTABLE_CORE
        RecoveryConfig config = ConfigResolution.Resolve(system);
        bool debugExit = config.DebugExit && DebugExit.Install(system.BootServices);

        switch (config.Mode)
        {
            case RecoveryMode.SelfTest:
                RunSelfTest(system, config.SelfTestFailFast);
                break;

            case RecoveryMode.NetDiag:
                // Like the self-test, netdiag always ends the machine (debug-exit port or power-off).
                EfiRuntime.Exit(NetDiagMode.Run(system, config));
                break;

            case RecoveryMode.CoreTest:
                // Portable core inside the firmware (Modes/CoreTest); ends the machine like the self-test.
                EfiRuntime.Exit(CoreTestMode.Run(system));
                break;

            case RecoveryMode.FvbCheck:
                // Firmware-region check (Modes/FvbCheck); ends the machine like the other modes.
                EfiRuntime.Exit(FvbCheckMode.Run(system, config));
                break;

            case RecoveryMode.StageToBmc:
                // The stage list's files to the BMC (Modes/StageToBmc, docs/bmc.md); ends the machine like the other modes.
                EfiRuntime.Exit(StageToBmcMode.Run(system));
                break;

            case RecoveryMode.Recover:
            case RecoveryMode.Auto:
            {
                // Recovery (Modes/Recovery): after a recovery attempt the machine resets; a valid
                // region in auto mode goes back to the firmware (or ends through debug-exit in tests).
                bool recover = config.Mode == RecoveryMode.Recover;
                int code = RecoveryRun.Run(system, config, recover, out bool resetWanted);
                if (resetWanted)
                    RecoveryRun.ResetAfterRecovery(system, code, debugExit);
                if (debugExit)
                    EfiRuntime.Exit(code);
                return 0;
            }
        }
#else
        SmbiosOemConfig oem = SmbiosOemConfig.Open(system);
        bool debugExit = oem.Is(SmbiosOemKeys.DebugExit, "1") && DebugExit.Install(system.BootServices);
        if (oem.Is(SmbiosOemKeys.Mode, "selftest"))
        {
            Span<char> kind = stackalloc char[32];
            RunSelfTest(system, oem.TryGet(SmbiosOemKeys.SelfTestFailFast, kind, out int kindLength) ? kind.Slice(0, kindLength) : default);
        }
#endif

        if (debugExit)
            EfiRuntime.Exit(MachineExitCodes.Success);
        return 0;
    }

    /// <summary>The runtime self-test, or one deliberately failing check; always ends the machine.</summary>
    private static void RunSelfTest(UefiSystemTable system, ReadOnlySpan<char> failFastKind)
    {
        UefiConsole console = system.ConsoleOut;
        if (!failFastKind.IsEmpty)
        {
            FailFastScenario scenario = ParseScenario(failFastKind);
            if (scenario == FailFastScenario.None)
            {
                new ConsoleLine(stackalloc char[96]).Append("SELFTEST FAIL unknown failfast kind ").Append(failFastKind).WriteLine(console);
                EfiRuntime.Exit(MachineExitCodes.Failure);
            }
            EfiSelfTest.RunFailFast(console, scenario, failFastKind);
            EfiRuntime.Exit(MachineExitCodes.Failure);
        }

        bool passed = EfiSelfTest.Run(console);
        // A self-test always ends the machine: debug-exit port when asked for, else power-off.
        EfiRuntime.Exit(passed ? MachineExitCodes.Success : MachineExitCodes.Failure);
    }

    // "UefiRecovery 0.1.0 on EDK II rev 0x10000"
    private static void PrintBanner(UefiSystemTable system)
    {
        Span<char> vendor = stackalloc char[UefiSystemTable.MaxVendorLength];
        int vendorLength = system.CopyFirmwareVendor(vendor);
        new ConsoleLine(stackalloc char[160])
            .Append("UefiRecovery ")
            .Append(AppVersion.Text)
            .Append(" on ")
            .Append(vendor.Slice(0, vendorLength))
            .Append(" rev ")
            .AppendHex(system.FirmwareRevision)
            .WriteLine(system.ConsoleOut);
    }

    private static FailFastScenario ParseScenario(ReadOnlySpan<char> name)
    {
        if (name.SequenceEqual("bounds")) return FailFastScenario.Bounds;
        if (name.SequenceEqual("null")) return FailFastScenario.Null;
        if (name.SequenceEqual("overflow")) return FailFastScenario.Overflow;
        if (name.SequenceEqual("divide-by-zero")) return FailFastScenario.DivideByZero;
        if (name.SequenceEqual("invalid-cast")) return FailFastScenario.InvalidCast;
        if (name.SequenceEqual("array-store")) return FailFastScenario.ArrayStore;
        if (name.SequenceEqual("failfast")) return FailFastScenario.FailFast;
        if (name.SequenceEqual("out-of-memory")) return FailFastScenario.OutOfMemory;
        return FailFastScenario.None;
    }
}
