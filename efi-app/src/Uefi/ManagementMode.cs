using UefiRecovery.Efi.Uefi.Raw;

namespace UefiRecovery.Efi.Uefi;

/// <summary>
/// Whether the firmware runs handlers in Management Mode (SMM on x64) that DXE reaches through MM Communication. In
/// such a build (Debian's OVMF_CODE_4M.secboot.fd, most Secure Boot platforms) the variable store's FVB lives in SMM,
/// so when no FVB in DXE carries the region this is the reason, and no retry or other source can change it.
/// </summary>
public static unsafe class ManagementMode
{
    /// <summary>What an SMM build means for the app, in one console message (recovery and fvbcheck).</summary>
    public const string StoreInSmmMessage =
        "no FVB in DXE carries the configured FV and the firmware has MM Communication: the store is written from SMM only (an SMM build); not writable by this app";

    public static bool HasCommunication(UefiBootServices boot) =>
        boot.LocateProtocol(out MmCommunication2Protocol* _).IsSuccess || boot.LocateProtocol(out MmCommunicationProtocol* _).IsSuccess;
}
