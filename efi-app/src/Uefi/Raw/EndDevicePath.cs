using System.Runtime.InteropServices;

namespace UefiRecovery.Efi.Uefi.Raw;

/// <summary>End of device path node (UEFI 2.10 §10.3.1): a bare header, Length 4.</summary>
[StructLayout(LayoutKind.Sequential, Pack = 1)]
public struct EndDevicePath
{
    public DevicePathProtocol Header;
}
