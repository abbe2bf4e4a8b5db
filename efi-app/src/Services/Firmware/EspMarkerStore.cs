namespace UefiRecovery.Efi.Services.Firmware;

/// <summary>
/// The recovery marker as a file on the volume the app was loaded from (the ESP): on OVMF the only
/// writable storage outside the NV region, whose EFI variables live inside the region being written.
/// File <c>\UEFIRECOVERY-NV.MARKER</c>, 32 ASCII bytes: "UEFIRECOVERY-NV-MARKER v1 " + state + LF
/// ("INPRG" or "DONE "), written in place, flushed before TryWrite returns. Absent file → Absent;
/// any other content → Unreadable (which the validator treats as invalid: fail closed).
/// </summary>
internal sealed class EspMarkerStore : IRecoveryMarkerStore
{
    private const int RecordLength = 32;
    private static ReadOnlySpan<byte> Prefix => "UEFIRECOVERY-NV-MARKER v1 "u8;
    private static ReadOnlySpan<byte> InProgressText => "INPRG"u8;
    private static ReadOnlySpan<byte> CompleteText => "DONE "u8;

    private readonly UefiFile _root;

    private EspMarkerStore(UefiFile root) => _root = root;

    /// <summary>The path printed in the app's lines.</summary>
    public static string PathText => "\\UEFIRECOVERY-NV.MARKER";

    /// <summary>Opens the root of the volume this image came from; null when it has no simple file system.</summary>
    public static EspMarkerStore? Open(UefiBootServices services)
    {
        UefiFile root = BootVolume.OpenRoot(services);
        return root.IsOpen ? new EspMarkerStore(root) : null;
    }

    public RecoveryMarkerState Read()
    {
        EfiResult<UefiFile> opened = OpenFile(UefiFile.ModeRead);
        if (!opened.TryGetValue(out UefiFile file))
        {
            return opened.Status == EfiStatus.NotFound ? RecoveryMarkerState.Absent : RecoveryMarkerState.Unreadable;
        }
        Span<byte> record = stackalloc byte[RecordLength + 1];
        EfiResult<int> read = file.Read(record);
        file.Close();
        if (!read.TryGetValue(out int size) || size != RecordLength || !record.Slice(0, Prefix.Length).SequenceEqual(Prefix))
        {
            return RecoveryMarkerState.Unreadable;
        }
        ReadOnlySpan<byte> state = record.Slice(Prefix.Length, InProgressText.Length);
        if (state.SequenceEqual(InProgressText))
        {
            return RecoveryMarkerState.InProgress;
        }
        return state.SequenceEqual(CompleteText) ? RecoveryMarkerState.Complete : RecoveryMarkerState.Unreadable;
    }

    public bool TryWrite(RecoveryMarkerState state)
    {
        if (state != RecoveryMarkerState.InProgress && state != RecoveryMarkerState.Complete)
        {
            return false;
        }
        Span<byte> record = stackalloc byte[RecordLength];
        record.Fill((byte)' ');
        Prefix.CopyTo(record);
        (state == RecoveryMarkerState.InProgress ? InProgressText : CompleteText).CopyTo(record.Slice(Prefix.Length));
        record[RecordLength - 1] = (byte)'\n';

        if (!OpenFile(UefiFile.ModeRead | UefiFile.ModeWrite | UefiFile.ModeCreate).TryGetValue(out UefiFile file))
        {
            return false;
        }
        bool ok = file.SetPosition(0).IsSuccess && file.Write(record).TryGetValue(out int written) && written == RecordLength
            && file.Flush().IsSuccess;
        // Close also flushes; its status counts too.
        ok = file.Close().IsSuccess && ok;
        return ok;
    }

    private EfiResult<UefiFile> OpenFile(ulong mode)
    {
        ReadOnlySpan<char> path = PathText;
        Span<char> name = stackalloc char[32];
        path.CopyTo(name);
        name[path.Length] = '\0';
        return _root.Open(name.Slice(0, path.Length + 1), mode);
    }
}
