namespace UefiRecovery.Efi.Uefi.Raw;

/// <summary>Device path node types (UEFI 2.10 §10.3.1, Table 10.1).</summary>
public static class DevicePathType
{
    public const byte Hardware = 0x01;
    public const byte Acpi = 0x02;
    public const byte Messaging = 0x03;
    public const byte Media = 0x04;
    public const byte BiosBootSpecification = 0x05;
    public const byte End = 0x7F;
}
