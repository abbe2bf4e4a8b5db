using System.Runtime.InteropServices;

namespace UefiRecovery.Efi.Uefi.Raw;

/// <summary>MAC_ADDR_DEVICE_PATH (UEFI 2.10 §10.3.4.11): Length 37.</summary>
[StructLayout(LayoutKind.Sequential, Pack = 1)]
public struct MacAddressDevicePath
{
    public DevicePathProtocol Header;
    public MacAddress MacAddress;

    /// <summary>Network interface type: 0 or 1 for Ethernet (RFC 3232 ifType / ARP hardware type).</summary>
    public byte IfType;
}
