#if PORTABLE_CORE
using UefiRecovery.Efi.Services.Bmc;

namespace UefiRecovery.Efi.Modes.StageToBmc;

/// <summary>
/// <c>uefirecovery.mode=stage-to-bmc</c>: the stage list's files to the BMC (<see cref="BmcStaging"/>, docs/bmc.md), on
/// demand; nothing else is touched (no flash, no network). Ends the machine like the other diagnostic modes.
/// </summary>
internal static class StageToBmcMode
{
    public static int Run(UefiSystemTable system) =>
        BmcStaging.Run(system) ? MachineExitCodes.Success : MachineExitCodes.Failure;
}
#endif
