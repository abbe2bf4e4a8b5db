using System;
using UefiRecovery.Core.Firmware;
using UefiRecovery.Efi.Uefi;
using UefiRecovery.Efi.Uefi.Raw;

namespace UefiRecovery.Efi.Services.Firmware;

/// <summary>
/// The recovery marker as a file on the volume the app was loaded from (the ESP): on OVMF the only
/// writable storage outside the NV region, whose EFI variables live inside the region being written.
/// File <c>\UEFIRECOVERY-NV.MARKER</c>, 32 ASCII bytes: "UEFIRECOVERY-NV-MARKER v1 " + state + LF
/// ("INPRG" or "DONE "), written in place, flushed before TryWrite returns. Absent file → Absent;
/// any other content → Unreadable (which the validator treats as invalid: fail closed).
/// </summary>
internal sealed unsafe class EspMarkerStore : IRecoveryMarkerStore
{
    private const int RecordLength = 32;
    private static ReadOnlySpan<byte> Prefix => "UEFIRECOVERY-NV-MARKER v1 "u8;
    private static ReadOnlySpan<byte> InProgressText => "INPRG"u8;
    private static ReadOnlySpan<byte> CompleteText => "DONE "u8;

    private readonly FileProtocol* _root;

    private EspMarkerStore(FileProtocol* root) => _root = root;

    /// <summary>The path printed in the app's lines.</summary>
    public static string PathText => "\\UEFIRECOVERY-NV.MARKER";

    /// <summary>Opens the root of the volume this image came from; null when it has no simple file system.</summary>
    public static EspMarkerStore? Open(UefiBootServices services)
    {
        FileProtocol* root = BootVolume.OpenRoot(services);
        return root == null ? null : new EspMarkerStore(root);
    }

    public RecoveryMarkerState Read()
    {
        FileProtocol* file = OpenFile(FileProtocol.ModeRead, out EfiStatus status);
        if (file == null)
        {
            return status == EfiStatus.NotFound ? RecoveryMarkerState.Absent : RecoveryMarkerState.Unreadable;
        }
        Span<byte> record = stackalloc byte[RecordLength + 1];
        nuint size = (nuint)record.Length;
        EfiStatus read;
        fixed (byte* bytes = record)
        {
            read = file->Read(file, &size, bytes);
        }
        file->Close(file);
        if (read.IsError || size != RecordLength || !record.Slice(0, Prefix.Length).SequenceEqual(Prefix))
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

        FileProtocol* file = OpenFile(FileProtocol.ModeRead | FileProtocol.ModeWrite | FileProtocol.ModeCreate, out _);
        if (file == null)
        {
            return false;
        }
        nuint size = RecordLength;
        bool ok;
        fixed (byte* bytes = record)
        {
            ok = !file->SetPosition(file, 0).IsError && !file->Write(file, &size, bytes).IsError && size == RecordLength
                && !file->Flush(file).IsError;
        }
        // Close also flushes; its status counts too.
        ok = !file->Close(file).IsError && ok;
        return ok;
    }

    private FileProtocol* OpenFile(ulong mode, out EfiStatus status)
    {
        FileProtocol* file = null;
        ReadOnlySpan<char> path = PathText;
        Span<char> name = stackalloc char[32];
        path.CopyTo(name);
        name[path.Length] = '\0';
        fixed (char* text = name)
        {
            status = _root->Open(_root, &file, text, mode, 0);
        }
        return status.IsError ? null : file;
    }
}
