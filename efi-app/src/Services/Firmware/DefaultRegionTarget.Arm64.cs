namespace UefiRecovery.Efi.Services.Firmware;

/// <summary>
/// AArch64: the region recovery and fvbcheck use when no <c>uefirecovery.target</c> is configured: AAVMF's NV store
/// (3 blocks of 256 KiB at the start of the variable flash, the FV header's block map the whole device's: map=device,
/// docs/firmware-regions.md). The architecture's own file, so the portable core need not know it.
/// </summary>
internal static class DefaultRegionTarget
{
    public static RegionTarget Region => RegionTarget.AavmfNvStore;
}
