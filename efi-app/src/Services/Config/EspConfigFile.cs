#if PORTABLE_CORE
using UefiRecovery.Core.Config;

namespace UefiRecovery.Efi.Services.Config;

/// <summary>
/// The configuration file <c>uefirecovery.cfg</c> in the directory the app was loaded from (e.g.
/// <c>\EFI\BOOT\uefirecovery.cfg</c>), read from the app's own volume (LoadedImage.DeviceHandle → Simple
/// File System, UEFI 2.10 §13.4). At most <see cref="ConfigTextSource.MaxBytes"/> bytes are accepted: one
/// byte more is read to tell a larger file, which is refused whole.
/// </summary>
internal static class EspConfigFile
{
    public const string FileName = "uefirecovery.cfg";

    /// <summary>Room for the directory and the file name.</summary>
    public const int MaxPathLength = 160;

    public static EspFileStatus Read(UefiBootServices services, Span<char> path, out int pathLength, Span<byte> data, out int size, out EfiStatus status)
    {
        AppDirectory.TryGet(services, path.Slice(0, path.Length - FileName.Length - 1), out int directoryLength);
        ReadOnlySpan<char> fileName = FileName;
        fileName.CopyTo(path.Slice(directoryLength));
        pathLength = directoryLength + fileName.Length;
        path[pathLength] = '\0';
        return ReadFile(services, path, data, ConfigTextSource.MaxBytes, out size, out status);
    }

    /// <summary>
    /// Reads the file <paramref name="pathWithNul"/> (from the volume root, NUL-terminated) into
    /// <paramref name="data"/> when it holds at most <paramref name="maxBytes"/> bytes (one byte more is
    /// read to tell a larger file, which is refused whole). <paramref name="data"/> needs maxBytes + 1 bytes.
    /// </summary>
    public static EspFileStatus ReadFile(UefiBootServices services, ReadOnlySpan<char> pathWithNul, Span<byte> data, int maxBytes,
        out int size, out EfiStatus status)
    {
        size = 0;
        status = EfiStatus.Success;
        UefiFile root = BootVolume.OpenRoot(services);
        if (!root.IsOpen)
            return EspFileStatus.NoVolume;
        EfiResult<UefiFile> opened = root.Open(pathWithNul, UefiFile.ModeRead);
        status = opened.Status;
        if (!opened.TryGetValue(out UefiFile file))
        {
            root.Close();
            return status == EfiStatus.NotFound ? EspFileStatus.Absent : EspFileStatus.ReadFailed;
        }

        // Read until end of file or one byte past the limit (a FAT driver may return less than asked).
        EspFileStatus result = EspFileStatus.Read;
        int limit = Math.Min(data.Length, maxBytes + 1);
        while (size < limit)
        {
            // A driver that claims more than it was asked for is a failure too (UefiFile.Read).
            EfiResult<int> read = file.Read(data.Slice(size, limit - size));
            status = read.Status;
            if (!read.TryGetValue(out int chunk))
            {
                result = EspFileStatus.ReadFailed;
                break;
            }
            if (chunk == 0)
                break;
            size += chunk;
        }
        if (result == EspFileStatus.Read && size > maxBytes)
            result = EspFileStatus.TooLarge;
        file.Close();
        root.Close();
        if (result != EspFileStatus.Read)
            size = 0;
        return result;
    }
}
#endif
