using UefiRecovery.Efi.Uefi.Raw;

namespace UefiRecovery.Efi.Uefi;

/// <summary>
/// The safe layer over an EFI_FILE_PROTOCOL handle (UEFI 2.10 §13.5): a directory or a file, opened from a
/// volume root (<see cref="BootVolume.OpenRoot"/>). One raw call per method; a transfer the driver reports as
/// larger than the buffer it was given is a failure, never a longer span.
/// </summary>
public readonly unsafe struct UefiFile
{
    // Open modes (§13.5.2): read, read+write, read+write+create are the only valid combinations.
    public const ulong ModeRead = FileProtocol.ModeRead;
    public const ulong ModeWrite = FileProtocol.ModeWrite;
    public const ulong ModeCreate = FileProtocol.ModeCreate;

    private readonly FileProtocol* raw;

    public UefiFile(FileProtocol* raw) => this.raw = raw;

    public bool IsOpen => raw != null;

    /// <summary>
    /// Open (§13.5.2) of <paramref name="nameWithNul"/> (NUL-terminated, '\' separators, relative to this
    /// directory) with <see cref="ModeRead"/> and optionally <see cref="ModeWrite"/> | <see cref="ModeCreate"/>.
    /// </summary>
    public EfiResult<UefiFile> Open(ReadOnlySpan<char> nameWithNul, ulong mode)
    {
        if (nameWithNul.IsEmpty || nameWithNul[nameWithNul.Length - 1] != '\0')
            return EfiResult<UefiFile>.Failure(EfiStatus.InvalidParameter);
        FileProtocol* file = null;
        EfiStatus status;
        fixed (char* name = nameWithNul)
        {
            status = raw->Open(raw, &file, name, mode, 0);
        }
        return EfiResult.From(status).IsSuccess && file != null
            ? EfiResult<UefiFile>.Success(status, new UefiFile(file))
            : EfiResult<UefiFile>.Failure(status);
    }

    /// <summary>Read (§13.5.4) at the current position: the bytes read, 0 at the end of the file.</summary>
    public EfiResult<int> Read(Span<byte> buffer)
    {
        nuint size = (nuint)buffer.Length;
        EfiStatus status;
        fixed (byte* bytes = buffer)
        {
            status = raw->Read(raw, &size, bytes);
        }
        return EfiResult.ByteCount(status, size, buffer.Length);
    }

    /// <summary>Write (§13.5.5) at the current position: the bytes written.</summary>
    public EfiResult<int> Write(ReadOnlySpan<byte> data)
    {
        nuint size = (nuint)data.Length;
        EfiStatus status;
        fixed (byte* bytes = data)
        {
            status = raw->Write(raw, &size, bytes);
        }
        return EfiResult.ByteCount(status, size, data.Length);
    }

    public EfiResult SetPosition(ulong position) => EfiResult.From(raw->SetPosition(raw, position));

    public EfiResult Flush() => EfiResult.From(raw->Flush(raw));

    /// <summary>Close (§13.5.3), which also flushes; the handle is not to be used afterwards.</summary>
    public EfiResult Close() => EfiResult.From(raw->Close(raw));
}
