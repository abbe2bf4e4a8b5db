namespace UefiRecovery.Efi.Services.Storage;

/// <summary>
/// Reads a file by path from the first Simple File System volume (from a given one on) that has it, in the firmware's
/// handle order (the ESP, a second disk, a USB stick). The whole file must fit the caller's buffer: a larger one is
/// refused, never truncated.
/// </summary>
internal static class VolumeFileReader
{
    private const int ChunkBytes = 64 * 1024;

    /// <param name="path">"\dir\file" (backslashes), without a NUL.</param>
    /// <param name="firstVolume">Where the search starts in the handle list: after a file that was refused, the caller
    /// looks on the next volumes (a file planted on the ESP must not hide the stick's).</param>
    /// <param name="volume">The volume's position in the handle list (0-based) where the file was found; -1 when none.</param>
    /// <param name="volumes">How many file system volumes the firmware listed.</param>
    public static VolumeFileStatus TryRead(UefiBootServices services, ReadOnlySpan<char> path, int firstVolume, Span<byte> buffer,
        out int size, out int volume, out int volumes, out EfiStatus status)
    {
        size = 0;
        volume = -1;
        status = EfiStatus.NotFound;
        Span<char> name = stackalloc char[path.Length + 1];
        path.CopyTo(name);
        name[path.Length] = '\0';
        using HandleBuffer handles = FileSystemVolumes.LocateHandles(services);
        volumes = handles.Handles.Length;
        for (int i = Math.Max(firstVolume, 0); i < handles.Handles.Length; i++)
        {
            UefiFile root = FileSystemVolumes.OpenRoot(services, handles.Handles[i]);
            if (!root.IsOpen)
                continue;
            bool opened = root.Open(name, UefiFile.ModeRead).TryGetValue(out UefiFile file);
            if (!opened)
            {
                root.Close();
                continue;
            }
            volume = i;
            VolumeFileStatus result = ReadAll(file, buffer, out size, out status);
            file.Close();
            root.Close();
            return result;
        }
        return VolumeFileStatus.NotFound;
    }

    private static VolumeFileStatus ReadAll(UefiFile file, Span<byte> buffer, out int size, out EfiStatus status)
    {
        size = 0;
        status = EfiStatus.Success;
        while (true)
        {
            if (size == buffer.Length)
            {
                // Full: one more byte would make it too large.
                Span<byte> probe = stackalloc byte[1];
                EfiResult<int> more = file.Read(probe);
                status = more.Status;
                return more.IsSuccess && more.Value == 0 ? VolumeFileStatus.Read : VolumeFileStatus.TooLarge;
            }
            EfiResult<int> read = file.Read(buffer.Slice(size, Math.Min(ChunkBytes, buffer.Length - size)));
            if (!read.IsSuccess)
            {
                status = read.Status;
                return VolumeFileStatus.ReadFailed;
            }
            if (read.Value == 0)
                return VolumeFileStatus.Read;
            size += read.Value;
        }
    }
}
