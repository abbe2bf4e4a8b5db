using System;
using Internal.Runtime;
using UefiRecovery.Efi.Boot;
#if PORTABLE_CORE
using UefiRecovery.Efi.CoreTest;
using UefiRecovery.Efi.Firmware;
using UefiRecovery.Efi.Network.NetDiag;
using UefiRecovery.Efi.Recovery;
#endif
using UefiRecovery.Efi.Platform;
using UefiRecovery.Efi.SelfTest;
using UefiRecovery.Efi.Uefi.Raw;

namespace UefiRecovery.Efi;

/// <summary>
/// What the app does after start-up. The mode comes from SMBIOS OEM strings (see SmbiosOemKeys):
/// no mode prints the banner and returns to the firmware; "selftest" runs the runtime self-test;
/// "netdiag" the network diagnostics; "coretest" the portable core (capsules, protocol, netstack)
/// inside the firmware; "fvbcheck" the firmware-region check; "auto" and "recover" the recovery.
/// </summary>
internal static unsafe class Program
{
    internal static nuint Run(void* imageHandle, SystemTable* systemTable)
    {
        PrintBanner(systemTable);

        SmbiosOemConfig config = SmbiosOemConfig.Open(systemTable);
        bool debugExit = config.Is(SmbiosOemKeys.DebugExit, "1") && DebugExit.Install(systemTable);

        if (config.Is(SmbiosOemKeys.Mode, "selftest"))
        {
            Span<char> kind = stackalloc char[32];
            if (config.TryGet(SmbiosOemKeys.SelfTestFailFast, kind, out int kindLength))
            {
                ReadOnlySpan<char> name = kind.Slice(0, kindLength);
                FailFastScenario scenario = ParseScenario(name);
                if (scenario == FailFastScenario.None)
                {
                    new ConsoleLine(stackalloc char[96]).Append("SELFTEST FAIL unknown failfast kind ").Append(name).WriteLine(systemTable);
                    EfiRuntime.Exit(MachineExitCodes.Failure);
                }
                EfiSelfTest.RunFailFast(systemTable, scenario, name);
                EfiRuntime.Exit(MachineExitCodes.Failure);
            }

            bool passed = EfiSelfTest.Run(systemTable);
            // A self-test always ends the machine: debug-exit port when asked for, else power-off.
            EfiRuntime.Exit(passed ? MachineExitCodes.Success : MachineExitCodes.Failure);
        }

#if PORTABLE_CORE
        if (config.Is(SmbiosOemKeys.Mode, "netdiag"))
        {
            // Like the self-test, netdiag always ends the machine (debug-exit port or power-off).
            EfiRuntime.Exit(NetDiagMode.Run(imageHandle, systemTable));
        }
#endif

#if PORTABLE_CORE
        if (config.Is(SmbiosOemKeys.Mode, "coretest"))
        {
            // Portable core inside the firmware (CoreTest/CoreTestMode.cs); ends the machine like the self-test.
            EfiRuntime.Exit(CoreTestMode.Run(imageHandle, systemTable));
        }
#endif

#if PORTABLE_CORE
        if (config.Is(SmbiosOemKeys.Mode, "fvbcheck"))
        {
            // Firmware-region check (Firmware/FvbCheckMode.cs); ends the machine like the other modes.
            EfiRuntime.Exit(FvbCheckMode.Run(imageHandle, systemTable, config));
        }
#endif

#if PORTABLE_CORE
        bool recover = config.Is(SmbiosOemKeys.Mode, "recover");
        if (recover || config.Is(SmbiosOemKeys.Mode, "auto"))
        {
            // Recovery (Recovery/RecoveryRun.cs): after a recovery attempt the machine resets; a valid
            // region in auto mode goes back to the firmware (or ends through debug-exit in tests).
            int code = RecoveryRun.Run(imageHandle, systemTable, config, recover, out bool resetWanted);
            if (resetWanted)
                RecoveryRun.ResetAfterRecovery(systemTable, code, debugExit);
            if (debugExit)
                EfiRuntime.Exit(code);
            return 0;
        }
#endif

        if (debugExit)
            EfiRuntime.Exit(MachineExitCodes.Success);
        return 0;
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
