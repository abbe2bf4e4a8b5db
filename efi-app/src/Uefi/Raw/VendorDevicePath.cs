using System.Runtime.InteropServices;

namespace UefiRecovery.Efi.Uefi.Raw;

/// <summary>
/// VENDOR_DEVICE_PATH, hardware sub-type (UEFI 2.10 §10.3.2.4). Vendor-defined data follows the GUID;
/// the header's Length covers it.
/// </summary>
[StructLayout(LayoutKind.Sequential, Pack = 1)]
public struct VendorDevicePath
{
    public DevicePathProtocol Header;
    public EfiGuid Guid;
}
