using UefiRecovery.Efi.Uefi.Raw;

namespace UefiRecovery.Efi.Uefi;

/// <summary>
/// The pool-allocated handle array LocateHandleBuffer returns (UEFI 2.10 §7.3). Dispose gives it
/// back with FreePool. Empty, with the failing status, when the search found nothing or failed.
/// </summary>
public unsafe ref struct HandleBuffer
{
    private readonly BootServices* boot;
    private void** buffer;
    private readonly int count;

    internal HandleBuffer(EfiStatus status, BootServices* boot, void** buffer, int count)
    {
        Status = status;
        this.boot = boot;
        this.buffer = buffer;
        this.count = count;
    }

    public EfiStatus Status { get; }

    public readonly bool IsSuccess => buffer != null;

    /// <summary>The handles (EfiHandle has exactly the layout of EFI_HANDLE).</summary>
    public readonly ReadOnlySpan<EfiHandle> Handles =>
        buffer == null ? default : new ReadOnlySpan<EfiHandle>(buffer, count);

    public void Dispose()
    {
        if (buffer == null)
        {
            return;
        }

        void* toFree = buffer;
        buffer = null;
        boot->FreePool(toFree);
    }
}
