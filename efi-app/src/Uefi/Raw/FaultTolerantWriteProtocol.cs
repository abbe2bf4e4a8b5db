namespace UefiRecovery.Efi.Uefi.Raw;

/// <summary>
/// EFI_FAULT_TOLERANT_WRITE_PROTOCOL (EDK2 MdeModulePkg/Include/Protocol/FaultTolerantWrite.h; not in the
/// UEFI or PI specifications): writes a block through a spare area and a working block so that either the old
/// or the new contents survive a power cut, completed by the driver's restart at the next boot. OVMF's
/// FaultTolerantWriteDxe publishes it over the NV FV's own working block and spare. Only located (fvbcheck
/// reports it); why recovery does not write block 0 through it on OVMF: docs/firmware-regions.md.
/// Calling convention: Microsoft x64 (see <see cref="BootServices"/>).
/// </summary>
public unsafe struct FaultTolerantWriteProtocol : IUefiProtocol
{
    public static EfiGuid Guid => new(0x3EBD9E82, 0x2C78, 0x4DE6, 0x97, 0x86, 0x8D, 0x4B, 0xFC, 0xB7, 0xC8, 0x81);

    /// <summary>(This, BlockSize): the largest block that can be updated fault-tolerantly (the spare's size).</summary>
    public delegate* unmanaged<FaultTolerantWriteProtocol*, nuint*, EfiStatus> GetMaxBlockSize;

    /// <summary>(This, CallerId, PrivateDataSize, NumberOfWrites).</summary>
    public delegate* unmanaged<FaultTolerantWriteProtocol*, EfiGuid*, nuint, nuint, EfiStatus> Allocate;

    /// <summary>(This, Lba, Offset, Length, PrivateData, FvbHandle, Buffer).</summary>
    public delegate* unmanaged<FaultTolerantWriteProtocol*, ulong, nuint, nuint, void*, void*, void*, EfiStatus> Write;

    /// <summary>(This, FvbHandle): completes an interrupted write.</summary>
    public delegate* unmanaged<FaultTolerantWriteProtocol*, void*, EfiStatus> Restart;

    /// <summary>(This): aborts all allocated writes.</summary>
    public delegate* unmanaged<FaultTolerantWriteProtocol*, EfiStatus> Abort;

    /// <summary>(This, CallerId, Lba, Offset, Length, PrivateDataSize in/out, PrivateData, Complete).</summary>
    public delegate* unmanaged<FaultTolerantWriteProtocol*, EfiGuid*, ulong*, nuint*, nuint*, nuint*, void*, byte*, EfiStatus> GetLastWrite;
}
