#if PORTABLE_CORE
using System;
using UefiRecovery.Efi.Uefi;
using UefiRecovery.Efi.Uefi.Raw;

namespace UefiRecovery.Efi.Modes.CoreTest;

/// <summary>
/// Reads whole files from the volume this image was loaded from (LoadedImage.DeviceHandle →
/// EFI_SIMPLE_FILE_SYSTEM_PROTOCOL.OpenVolume → EFI_FILE_PROTOCOL Open/Read, UEFI 2.10 §9.1, §13.4, §13.5).
/// No GetInfo: the caller's buffer is the size limit, and a file that fills it completely is refused
/// as possibly truncated.
/// </summary>
internal sealed unsafe class EspFileReader
{
    private readonly FileProtocol* _root;

    private EspFileReader(FileProtocol* root) => _root = root;

    /// <summary>The root directory of the boot volume; null when the device has no simple file system.</summary>
    public static EspFileReader? Open(UefiBootServices services)
    {
        FileProtocol* root = BootVolume.OpenRoot(services);
        return root == null ? null : new EspFileReader(root);
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

        FileProtocol* file = null;
        EfiStatus open;
        fixed (char* namePointer = name)
        {
            open = _root->Open(_root, &file, namePointer, FileProtocol.ModeRead, 0);
        }
        if (open.IsError || file == null)
            return -1;

        // Read may return fewer bytes than asked (a driver's choice); loop until it returns 0.
        int total = 0;
        bool failed = false;
        while (total < destination.Length)
        {
            nuint size = (nuint)(destination.Length - total);
            EfiStatus read;
            fixed (byte* bytes = destination.Slice(total))
            {
                read = file->Read(file, &size, bytes);
            }
            if (read.IsError)
            {
                failed = true;
                break;
            }
            if (size == 0)
                break;
            total += (int)size;
        }
        file->Close(file);
        return failed || total >= destination.Length ? -1 : total;
    }
}
#endif
