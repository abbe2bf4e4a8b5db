using UefiRecovery.Efi.Uefi.Raw;

namespace UefiRecovery.Efi.Uefi;

/// <summary>
/// The safe layer over EFI_FIRMWARE_VOLUME_BLOCK2_PROTOCOL (PI 1.8 Vol. 3 §3.4.2): one raw call per
/// method, out-values returned only on success. Keep each read and write within one block: the spec
/// lets a driver stop at a block boundary with EFI_BAD_BUFFER_SIZE after a partial transfer, which is
/// a failure here (OVMF's driver happens to allow crossing; others need not).
/// OVMF quirk, seen under QEMU 7.2 with OVMF 2022.11: after EraseBlocks the CFI flash stays in
/// read-status mode, so a Read before the next Write returns 80h 00h repeated instead of FFh
/// (QemuFlashEraseBlock issues no read-array command; QemuFlashWrite does). Write after erasing,
/// then verify.
/// </summary>
public readonly unsafe struct UefiFirmwareVolumeBlock : IDisposable
{
    private readonly FirmwareVolumeBlock2Protocol* raw;
    private readonly UefiBootServices boot;
    private readonly EfiHandle handle;

    public UefiFirmwareVolumeBlock(FirmwareVolumeBlock2Protocol* raw) => this.raw = raw;

    private UefiFirmwareVolumeBlock(FirmwareVolumeBlock2Protocol* raw, UefiBootServices boot, EfiHandle handle)
    {
        this.raw = raw;
        this.boot = boot;
        this.handle = handle;
    }

    /// <summary>Every handle with FVB2 (LocateHandleBuffer, ByProtocol). Dispose frees the array.</summary>
    public static HandleBuffer LocateHandles(UefiBootServices boot) => boot.LocateHandleBuffer<FirmwareVolumeBlock2Protocol>();

    /// <summary>
    /// Opens FVB2 on <paramref name="handle"/> with GET_PROTOCOL for as long as the caller holds it;
    /// Dispose closes it with the same parameters. Not open (<see cref="IsOpen"/>) when the open failed,
    /// <paramref name="status"/> says why.
    /// </summary>
    public static UefiFirmwareVolumeBlock Open(UefiBootServices boot, EfiHandle handle, out EfiStatus status)
    {
        status = boot.OpenProtocol(handle, OpenProtocolAttributes.GetProtocol, out FirmwareVolumeBlock2Protocol* opened);
        return opened == null ? default : new UefiFirmwareVolumeBlock(opened, boot, handle);
    }

    public FirmwareVolumeBlock2Protocol* Raw => raw;

    public bool IsOpen => raw != null;

    /// <summary>Closes an <see cref="Open"/>; nothing for a wrapper made from a pointer.</summary>
    public void Dispose()
    {
        if (raw != null && boot.Raw != null)
            boot.CloseProtocol<FirmwareVolumeBlock2Protocol>(handle);
    }

    /// <summary>GetAttributes: <see cref="FvbAttributes"/> bits.</summary>
    public EfiResult<uint> GetAttributes()
    {
        uint attributes = 0;
        EfiStatus status = raw->GetAttributes(raw, &attributes);
        return EfiResult<uint>.From(status, attributes);
    }

    /// <summary>GetPhysicalAddress: EFI_UNSUPPORTED when the volume is not memory-mapped.</summary>
    public EfiResult<ulong> GetPhysicalAddress()
    {
        ulong address = 0;
        EfiStatus status = raw->GetPhysicalAddress(raw, &address);
        return EfiResult<ulong>.From(status, address);
    }

    public EfiResult<FvbBlockRun> GetBlockSize(ulong lba)
    {
        nuint blockSize = 0;
        nuint count = 0;
        EfiStatus status = raw->GetBlockSize(raw, lba, &blockSize, &count);
        return EfiResult<FvbBlockRun>.From(status, new FvbBlockRun(blockSize, count));
    }

    /// <summary>Reads <paramref name="destination"/>.Length bytes at <paramref name="offset"/> within block <paramref name="lba"/>.</summary>
    public EfiResult<int> Read(ulong lba, nuint offset, Span<byte> destination)
    {
        nuint count = (nuint)destination.Length;
        EfiStatus status;
        fixed (byte* bytes = destination)
        {
            status = raw->Read(raw, lba, offset, &count, bytes);
        }

        return Transferred(status, count, destination.Length);
    }

    /// <summary>
    /// Writes <paramref name="source"/> at <paramref name="offset"/> within block <paramref name="lba"/>.
    /// Flash only clears bits on write: erase the block first (<see cref="EraseBlocks"/>).
    /// </summary>
    public EfiResult<int> Write(ulong lba, nuint offset, ReadOnlySpan<byte> source)
    {
        nuint count = (nuint)source.Length;
        EfiStatus status;
        fixed (byte* bytes = source)
        {
            // The spec's Write takes UINT8* but only reads the buffer.
            status = raw->Write(raw, lba, offset, &count, bytes);
        }

        return Transferred(status, count, source.Length);
    }

    /// <summary>Erases <paramref name="count"/> blocks from <paramref name="lba"/>: one range, then the terminator.</summary>
    public EfiResult EraseBlocks(ulong lba, nuint count) =>
        EfiResult.From(raw->EraseBlocks(raw, lba, count, FirmwareVolumeBlock2Protocol.LbaListTerminator));

    private static EfiResult<int> Transferred(EfiStatus status, nuint count, int requested)
    {
        if (!EfiResult.From(status).IsSuccess)
        {
            return EfiResult<int>.Failure(status);
        }

        // Success with a count other than the one asked for is not a complete transfer.
        return count == (nuint)requested ? EfiResult<int>.Success(status, requested) : EfiResult<int>.Failure(EfiStatus.DeviceError);
    }
}
