using System.Runtime.InteropServices;

namespace UefiRecovery.Efi.Uefi.Raw;

/// <summary>
/// FILEPATH_DEVICE_PATH (UEFI 2.10 §10.3.5.4): the header, then a NUL-terminated CHAR16 PathName
/// whose size is Length - 4. Only the header is a fixed field.
/// </summary>
[StructLayout(LayoutKind.Sequential, Pack = 1)]
public struct FilePathDevicePath
{
    /// <summary>Offset of the first PathName character.</summary>
    public const int PathNameOffset = 4;

    public DevicePathProtocol Header;
}
