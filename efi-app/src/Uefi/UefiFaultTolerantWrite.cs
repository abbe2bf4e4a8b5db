using UefiRecovery.Efi.Uefi.Raw;

namespace UefiRecovery.Efi.Uefi;

/// <summary>The safe layer over EDK2's EFI_FAULT_TOLERANT_WRITE_PROTOCOL: located and asked its block size only.</summary>
public readonly unsafe struct UefiFaultTolerantWrite
{
    private readonly FaultTolerantWriteProtocol* raw;

    private UefiFaultTolerantWrite(FaultTolerantWriteProtocol* raw) => this.raw = raw;

    /// <summary>LocateProtocol; <paramref name="ftw"/> is usable only when this succeeds.</summary>
    public static EfiResult Locate(UefiBootServices boot, out UefiFaultTolerantWrite ftw)
    {
        EfiResult located = boot.LocateProtocol(out FaultTolerantWriteProtocol* raw);
        ftw = located.IsSuccess ? new UefiFaultTolerantWrite(raw) : default;
        return located;
    }

    /// <summary>GetMaxBlockSize: the largest block the driver can update fault-tolerantly (its spare's size).</summary>
    public EfiResult<ulong> GetMaxBlockSize()
    {
        nuint size = 0;
        EfiStatus status = raw->GetMaxBlockSize(raw, &size);
        return EfiResult<ulong>.From(status, size);
    }
}
