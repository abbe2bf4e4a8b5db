namespace UefiRecovery.Efi.Services.Firmware;

/// <summary>
/// x64: the region recovery and fvbcheck use when no <c>uefirecovery.target</c> is configured: OVMF 4M's NV store
/// (132 blocks of 4 KiB, docs/firmware-regions.md). The architecture's own file, so the portable core need not know it.
/// </summary>
internal static class DefaultRegionTarget
{
    public static RegionTarget Region => RegionTarget.OvmfNvStore4M;
}
