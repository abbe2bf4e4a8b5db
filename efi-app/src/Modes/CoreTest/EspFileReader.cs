#if PORTABLE_CORE

namespace UefiRecovery.Efi.Modes.CoreTest;

/// <summary>
/// Reads whole files from the volume this image was loaded from (LoadedImage.DeviceHandle →
/// EFI_SIMPLE_FILE_SYSTEM_PROTOCOL.OpenVolume → EFI_FILE_PROTOCOL Open/Read, UEFI 2.10 §9.1, §13.4, §13.5).
/// No GetInfo: the caller's buffer is the size limit, and a file that fills it completely is refused
/// as possibly truncated.
/// </summary>
internal sealed class EspFileReader
{
    private readonly UefiFile _root;

    private EspFileReader(UefiFile root) => _root = root;

    /// <summary>The root directory of the boot volume; null when the device has no simple file system.</summary>
    public static EspFileReader? Open(UefiBootServices services)
    {
        UefiFile root = BootVolume.OpenRoot(services);
        return root.IsOpen ? new EspFileReader(root) : null;
    }

    /// <summary>
    /// Reads <paramref name="path"/> (backslash-separated, NUL added here) into <paramref name="destination"/>.
    /// Returns the byte count, or -1 when the file is missing, unreadable or not smaller than the buffer.
    /// </summary>
    public int TryReadAll(string path, Span<byte> destination)
    {
        Span<char> name = stackalloc char[128];
        if (path.Length >= name.Length)
            return -1;
        path.AsSpan().CopyTo(name);
        name[path.Length] = '\0';

        if (!_root.Open(name.Slice(0, path.Length + 1), UefiFile.ModeRead).TryGetValue(out UefiFile file))
            return -1;

        // Read may return fewer bytes than asked (a driver's choice); loop until it returns 0.
        int total = 0;
        bool failed = false;
        while (total < destination.Length)
        {
            if (!file.Read(destination.Slice(total)).TryGetValue(out int size))
            {
                failed = true;
                break;
            }
            if (size == 0)
                break;
            total += size;
        }
        file.Close();
        return failed || total >= destination.Length ? -1 : total;
    }
}
#endif
