namespace UefiRecovery.Efi.Services.Config;

/// <summary>
/// The directory the running app was loaded from, as a path on its volume ("\EFI\BOOT\"): the FILEPATH
/// text of LoadedImage.FilePath (<see cref="FilePathNodes"/>) up to the last '\'.
/// </summary>
internal static class AppDirectory
{
    /// <summary>Used when the loaded image has no usable file path: the removable-media boot directory.</summary>
    public const string Fallback = "\\EFI\\BOOT\\";

    /// <summary>Copies the directory (ending in '\') into <paramref name="path"/>; false (and the fallback) when the path is unusable.</summary>
    public static bool TryGet(UefiBootServices services, Span<char> path, out int length)
    {
        length = 0;
        if (BootVolume.TryGetImagePath(services, path, out length))
        {
            int lastSeparator = -1;
            for (int i = 0; i < length; i++)
            {
                if (path[i] == '/')
                    path[i] = '\\';
                if (path[i] == '\\')
                    lastSeparator = i;
            }
            if (lastSeparator >= 0 && path[0] == '\\')
            {
                length = lastSeparator + 1;
                return true;
            }
        }
        ReadOnlySpan<char> fallback = Fallback;
        fallback.CopyTo(path);
        length = fallback.Length;
        return false;
    }
}
