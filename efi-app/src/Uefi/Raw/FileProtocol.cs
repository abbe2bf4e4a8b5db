namespace UefiRecovery.Efi.Uefi.Raw;

/// <summary>
/// EFI_FILE_PROTOCOL (UEFI 2.10 §13.5.1), every slot in spec order including the revision-2 Ex slots
/// (present only when Revision is 0x00020000; their EFI_FILE_IO_TOKEN is kept as void*, nothing here uses
/// them). A file handle is a pointer to this struct; each call takes that pointer as This.
/// </summary>
public unsafe struct FileProtocol
{
    public const ulong Revision1 = 0x00010000;
    public const ulong Revision2 = 0x00020000;

    // Open modes (§13.5.2): read, read+write, read+write+create are the only valid combinations.
    public const ulong ModeRead = 0x0000000000000001;
    public const ulong ModeWrite = 0x0000000000000002;
    public const ulong ModeCreate = 0x8000000000000000;

    public ulong Revision;

    /// <summary>(This, NewHandle, FileName (NUL-terminated UCS-2, '\' separators), OpenMode, Attributes).</summary>
    public delegate* unmanaged<FileProtocol*, FileProtocol**, char*, ulong, ulong, EfiStatus> Open;
    public delegate* unmanaged<FileProtocol*, EfiStatus> Close;
    public delegate* unmanaged<FileProtocol*, EfiStatus> Delete;

    /// <summary>(This, BufferSize in: capacity, out: bytes read (0 at end of file), Buffer).</summary>
    public delegate* unmanaged<FileProtocol*, nuint*, void*, EfiStatus> Read;

    /// <summary>(This, BufferSize in: bytes to write, out: bytes written, Buffer).</summary>
    public delegate* unmanaged<FileProtocol*, nuint*, void*, EfiStatus> Write;
    public delegate* unmanaged<FileProtocol*, ulong*, EfiStatus> GetPosition;
    public delegate* unmanaged<FileProtocol*, ulong, EfiStatus> SetPosition;

    /// <summary>(This, InformationType, BufferSize in/out, Buffer).</summary>
    public delegate* unmanaged<FileProtocol*, EfiGuid*, nuint*, void*, EfiStatus> GetInfo;

    /// <summary>(This, InformationType, BufferSize, Buffer).</summary>
    public delegate* unmanaged<FileProtocol*, EfiGuid*, nuint, void*, EfiStatus> SetInfo;
    public delegate* unmanaged<FileProtocol*, EfiStatus> Flush;

    /// <summary>(This, NewHandle, FileName, OpenMode, Attributes, Token): revision 2 only.</summary>
    public delegate* unmanaged<FileProtocol*, FileProtocol**, char*, ulong, ulong, void*, EfiStatus> OpenEx;

    /// <summary>(This, Token): revision 2 only.</summary>
    public delegate* unmanaged<FileProtocol*, void*, EfiStatus> ReadEx;

    /// <summary>(This, Token): revision 2 only.</summary>
    public delegate* unmanaged<FileProtocol*, void*, EfiStatus> WriteEx;

    /// <summary>(This, Token): revision 2 only.</summary>
    public delegate* unmanaged<FileProtocol*, void*, EfiStatus> FlushEx;
}
