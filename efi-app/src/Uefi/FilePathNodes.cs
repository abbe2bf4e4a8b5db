using UefiRecovery.Efi.Uefi.Raw;

namespace UefiRecovery.Efi.Uefi;

/// <summary>
/// The path text of a device path's FILEPATH nodes (UEFI 2.10 §10.3.5.4), e.g. LoadedImage.FilePath
/// "\EFI\BOOT\BOOTX64.EFI". A path may be split over consecutive nodes; their PathNames are joined.
/// The firmware's bytes are walked with every length checked: at most <see cref="MaxNodes"/> nodes,
/// each at least 4 bytes, an even PathName size, and the text must fit the destination.
/// </summary>
public static unsafe class FilePathNodes
{
    public const int MaxNodes = 16;

    /// <summary>False when the path has no FILEPATH text, is malformed, or does not fit.</summary>
    public static bool TryCollect(DevicePathProtocol* path, Span<char> destination, out int length)
    {
        length = 0;
        if (path == null)
            return false;
        byte* node = (byte*)path;
        for (int n = 0; n < MaxNodes; n++)
        {
            DevicePathProtocol* header = (DevicePathProtocol*)node;
            int nodeLength = header->NodeLength;
            if (nodeLength < 4)
                return false;
            if (header->Type == DevicePathType.End)
                return length > 0;
            if (header->Type == DevicePathType.Media && header->SubType == DevicePathSubType.MediaFilePath)
            {
                int bytes = nodeLength - FilePathDevicePath.PathNameOffset;
                if ((bytes & 1) != 0)
                    return false;
                byte* name = node + FilePathDevicePath.PathNameOffset;
                for (int i = 0; i < bytes / 2; i++)
                {
                    // CHAR16, unaligned in the packed node: read byte by byte.
                    char c = (char)(name[2 * i] | (name[2 * i + 1] << 8));
                    if (c == '\0')
                        break;
                    if (length == destination.Length)
                        return false;
                    destination[length++] = c;
                }
            }
            node += nodeLength;
        }
        return false;
    }
}
