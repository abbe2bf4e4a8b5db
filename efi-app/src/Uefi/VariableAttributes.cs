namespace UefiRecovery.Efi.Uefi;

/// <summary>Variable attribute bits (UEFI 2.10 §8.2, GetVariable / SetVariable).</summary>
public static class VariableAttributes
{
    public const uint NonVolatile = 0x01;
    public const uint BootServiceAccess = 0x02;
    public const uint RuntimeAccess = 0x04;
    public const uint HardwareErrorRecord = 0x08;
    public const uint AuthenticatedWriteAccess = 0x10;
    public const uint TimeBasedAuthenticatedWriteAccess = 0x20;
    public const uint AppendWrite = 0x40;
    public const uint EnhancedAuthenticatedAccess = 0x80;

    /// <summary>EFI_GLOBAL_VARIABLE (§3.3): vendor GUID of the architecturally defined variables.</summary>
    public static EfiGuid GlobalVariableGuid => new(0x8BE4DF61, 0x93CA, 0x11D2, 0xAA, 0x0D, 0x00, 0xE0, 0x98, 0x03, 0x2B, 0x8C);
}
