using UefiRecovery.Efi.Uefi;
using UefiRecovery.Efi.Uefi.Raw;

namespace UefiRecovery.Efi.Firmware;

/// <summary>
/// EFI_FILE_PROTOCOL revision 1 slots (UEFI 2.10 §13.5), in spec order; the revision-2 Ex slots follow
/// in the firmware's struct and are not declared (never called, and the struct is only used by pointer).
/// </summary>
public unsafe struct FileProtocol
{
    public const ulong ModeRead = 0x1;
    public const ulong ModeWrite = 0x2;
    public const ulong ModeCreate = 0x8000_0000_0000_0000;

    public ulong Revision;

    /// <summary>(This, NewHandle, FileName, OpenMode, Attributes).</summary>
    public delegate* unmanaged<FileProtocol*, FileProtocol**, char*, ulong, ulong, EfiStatus> Open;
    public delegate* unmanaged<FileProtocol*, EfiStatus> Close;

    /// <summary>Closes and deletes; EFI_WARN_DELETE_FAILURE when it could not delete.</summary>
    public delegate* unmanaged<FileProtocol*, EfiStatus> Delete;

    /// <summary>(This, BufferSize in/out, Buffer).</summary>
    public delegate* unmanaged<FileProtocol*, nuint*, void*, EfiStatus> Read;

    /// <summary>(This, BufferSize in/out, Buffer).</summary>
    public delegate* unmanaged<FileProtocol*, nuint*, void*, EfiStatus> Write;
    public delegate* unmanaged<FileProtocol*, ulong*, EfiStatus> GetPosition;
    public delegate* unmanaged<FileProtocol*, ulong, EfiStatus> SetPosition;
    public delegate* unmanaged<FileProtocol*, EfiGuid*, nuint*, void*, EfiStatus> GetInfo;
    public delegate* unmanaged<FileProtocol*, EfiGuid*, nuint, void*, EfiStatus> SetInfo;
    public delegate* unmanaged<FileProtocol*, EfiStatus> Flush;
}
