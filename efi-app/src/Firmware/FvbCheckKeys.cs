using System;

namespace UefiRecovery.Efi.Firmware;

/// <summary>SMBIOS OEM string keys of <c>uefirecovery.mode=fvbcheck</c> (docs/firmware-regions.md).</summary>
internal static class FvbCheckKeys
{
    /// <summary><c>restore-selftest</c>: rewrite the located region with its own contents through FlashWriter.</summary>
    public static ReadOnlySpan<byte> Write => "uefirecovery.fvbcheck.write="u8;

    /// <summary>The configured region's FileSystemGuid (default EFI_SYSTEM_NV_DATA_FV_GUID).</summary>
    public static ReadOnlySpan<byte> FileSystemGuid => "uefirecovery.fvbcheck.fs="u8;
}
