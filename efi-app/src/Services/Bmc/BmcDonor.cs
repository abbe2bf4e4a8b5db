#if PORTABLE_CORE
namespace UefiRecovery.Efi.Services.Bmc;

/// <summary>Where the BMC keeps the image it offers as a donor (docs/bmc.md): the blob the staged transfer writes.</summary>
internal static class BmcDonor
{
    /// <summary>The BLOB id the app reads with <c>uefirecovery.source=bmc</c>.</summary>
    public static ReadOnlySpan<byte> ImageBlobId => "/recovery/image"u8;

    public const string ImageBlobIdText = "/recovery/image";
}
#endif
