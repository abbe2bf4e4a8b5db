using System;
using Internal.Runtime;
using UefiRecovery.Efi.Services.Console;
using UefiRecovery.Efi.Services.Machine;
#if PORTABLE_CORE
using UefiRecovery.Core.Config;
using UefiRecovery.Efi.Modes.CoreTest;
using UefiRecovery.Efi.Modes.FvbCheck;
using UefiRecovery.Efi.Modes.NetDiag;
using UefiRecovery.Efi.Modes.Recovery;
#endif
using UefiRecovery.Efi.Services.Config;
using UefiRecovery.Efi.Services.Entropy;
using UefiRecovery.Efi.Modes.SelfTest;
using UefiRecovery.Efi.Uefi.Raw;

namespace UefiRecovery.Efi;

/// <summary>
/// What the app does after start-up. The configuration is resolved once from all sources
/// (Platform/ConfigResolution.cs: EFI variable, ESP file, SMBIOS OEM strings, defaults; docs/config.md)
/// and the app dispatches on its <c>uefirecovery.mode</c>: none prints the banner and returns to the
/// firmware; "selftest" runs the runtime self-test; "netdiag" the network diagnostics; "coretest" the
/// portable core (capsules, protocol, netstack) inside the firmware; "fvbcheck" the firmware-region
/// check; "auto" and "recover" the recovery. The build without the portable core knows only SMBIOS
/// OEM strings and the self-test.
/// </summary>
internal static unsafe class Program
{
    internal static nuint Run(void* imageHandle, SystemTable* systemTable)
    {
        PrintBanner(systemTable);

#if PORTABLE_CORE
        RecoveryConfig config = ConfigResolution.Resolve(imageHandle, systemTable);
        bool debugExit = config.DebugExit && DebugExit.Install(systemTable);

        switch (config.Mode)
        {
            case RecoveryMode.SelfTest:
                RunSelfTest(systemTable, config.SelfTestFailFast);
                break;

            case RecoveryMode.NetDiag:
                // Like the self-test, netdiag always ends the machine (debug-exit port or power-off).
                EfiRuntime.Exit(NetDiagMode.Run(imageHandle, systemTable, config));
                break;

            case RecoveryMode.CoreTest:
                // Portable core inside the firmware (CoreTest/CoreTestMode.cs); ends the machine like the self-test.
                EfiRuntime.Exit(CoreTestMode.Run(imageHandle, systemTable));
                break;

            case RecoveryMode.FvbCheck:
                // Firmware-region check (Firmware/FvbCheckMode.cs); ends the machine like the other modes.
                EfiRuntime.Exit(FvbCheckMode.Run(imageHandle, systemTable, config));
                break;

            case RecoveryMode.Recover:
            case RecoveryMode.Auto:
            {
                // Recovery (Recovery/RecoveryRun.cs): after a recovery attempt the machine resets; a valid
                // region in auto mode goes back to the firmware (or ends through debug-exit in tests).
                bool recover = config.Mode == RecoveryMode.Recover;
                int code = RecoveryRun.Run(imageHandle, systemTable, config, recover, out bool resetWanted);
                if (resetWanted)
                    RecoveryRun.ResetAfterRecovery(systemTable, code, debugExit);
                if (debugExit)
                    EfiRuntime.Exit(code);
                return 0;
            }
        }
#else
        SmbiosOemConfig oem = SmbiosOemConfig.Open(systemTable);
        bool debugExit = oem.Is(SmbiosOemKeys.DebugExit, "1") && DebugExit.Install(systemTable);
        if (oem.Is(SmbiosOemKeys.Mode, "selftest"))
        {
            Span<char> kind = stackalloc char[32];
            RunSelfTest(systemTable, oem.TryGet(SmbiosOemKeys.SelfTestFailFast, kind, out int kindLength) ? kind.Slice(0, kindLength) : default);
        }
#endif

        if (debugExit)
            EfiRuntime.Exit(MachineExitCodes.Success);
        return 0;
    }

    /// <summary>The runtime self-test, or one deliberately failing check; always ends the machine.</summary>
    private static void RunSelfTest(SystemTable* systemTable, ReadOnlySpan<char> failFastKind)
    {
        if (!failFastKind.IsEmpty)
        {
            FailFastScenario scenario = ParseScenario(failFastKind);
            if (scenario == FailFastScenario.None)
            {
                new ConsoleLine(stackalloc char[96]).Append("SELFTEST FAIL unknown failfast kind ").Append(failFastKind).WriteLine(systemTable);
                EfiRuntime.Exit(MachineExitCodes.Failure);
            }
            EfiSelfTest.RunFailFast(systemTable, scenario, failFastKind);
            EfiRuntime.Exit(MachineExitCodes.Failure);
        }

        bool passed = EfiSelfTest.Run(systemTable);
        // A self-test always ends the machine: debug-exit port when asked for, else power-off.
        EfiRuntime.Exit(passed ? MachineExitCodes.Success : MachineExitCodes.Failure);
    }

    // "UefiRecovery 0.1.0 on EDK II rev 0x10000"
    private static void PrintBanner(SystemTable* systemTable)
    {
        new ConsoleLine(stackalloc char[160])
            .Append("UefiRecovery ")
            .Append(AppVersion.Text)
            .Append(" on ")
            .AppendFirmwareString(systemTable->FirmwareVendor)
            .Append(" rev ")
            .AppendHex(systemTable->FirmwareRevision)
            .WriteLine(systemTable);
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
