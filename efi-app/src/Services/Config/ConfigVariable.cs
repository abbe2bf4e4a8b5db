namespace UefiRecovery.Efi.Services.Config;

/// <summary>
/// The EFI variable that carries settings (docs/config.md): name <c>UefiRecoveryConfig</c> under the
/// project's own vendor GUID 1C2F4AFA-2835-41FD-9CBC-7E594C1BC6AB, value the same
/// <c>uefirecovery.key=value</c> lines as the ESP file (ASCII, LF or CR LF separated).
/// </summary>
internal static class ConfigVariable
{
    /// <summary>NUL-terminated, as GetVariable reads it.</summary>
    public const string Name = "UefiRecoveryConfig\0";

    public const string NameText = "UefiRecoveryConfig";

    public static EfiGuid VendorGuid => new(0x1C2F4AFA, 0x2835, 0x41FD, 0x9C, 0xBC, 0x7E, 0x59, 0x4C, 0x1B, 0xC6, 0xAB);
}
