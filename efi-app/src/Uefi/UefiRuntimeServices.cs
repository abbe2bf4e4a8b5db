using UefiRecovery.Efi.Uefi.Raw;

namespace UefiRecovery.Efi.Uefi;

/// <summary>The safe layer over the parts of EFI_RUNTIME_SERVICES (UEFI 2.10 §8) this app uses.</summary>
public readonly unsafe struct UefiRuntimeServices
{
    private readonly RuntimeServices* raw;

    public UefiRuntimeServices(RuntimeServices* raw) => this.raw = raw;

    public RuntimeServices* Raw => raw;

    /// <summary>GetTime (§8.3.1): the real-time clock.</summary>
    public EfiResult<Time> GetTime()
    {
        Time time = default;
        EfiStatus status = raw->GetTime(&time, null);
        return EfiResult.From(status).IsSuccess ? EfiResult<Time>.Success(status, time) : EfiResult<Time>.Failure(status);
    }

    /// <summary>ResetSystem (§8.5.1). Does not return when the firmware honours it.</summary>
    public void ResetSystem(ResetType type, EfiStatus reason) => raw->ResetSystem(type, reason, 0, null);
}
