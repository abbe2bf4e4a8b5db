namespace UefiRecovery.Efi.Uefi.Raw;

/// <summary>Device path sub-types of the node types this project reads or builds (UEFI 2.10 §10.3).</summary>
public static class DevicePathSubType
{
    /// <summary>End of this instance; another instance follows (§10.3.1).</summary>
    public const byte EndInstance = 0x01;

    /// <summary>End of the whole device path (§10.3.1).</summary>
    public const byte EndEntire = 0xFF;

    /// <summary>Hardware vendor node (§10.3.2.4).</summary>
    public const byte HardwareVendor = 0x04;

    /// <summary>Messaging MAC address node (§10.3.4.11).</summary>
    public const byte MessagingMacAddress = 0x0B;

    /// <summary>Media file path node (§10.3.5.4).</summary>
    public const byte MediaFilePath = 0x04;
}
