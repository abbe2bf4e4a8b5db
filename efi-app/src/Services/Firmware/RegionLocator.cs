namespace UefiRecovery.Efi.Services.Firmware;

/// <summary>
/// Which FVB instance is the configured region: the target map (<c>uefirecovery.target</c>, default this
/// architecture's NV store, <see cref="DefaultRegionTarget"/>) gives the FileSystemGuid and shape for the
/// configured image type and optionally the FVB's physical base address; the region is the first FVB whose FV header parses and carries that GUID (and
/// sits at that base when one is given). Length and block map are then judged by <see cref="RegionValidator"/>,
/// so a same-GUID FV of the wrong shape is reported, not skipped (docs/firmware-regions.md).
/// </summary>
internal static class RegionLocator
{
    private const int HeaderReadLength = 4096;

    /// <summary>True when an FVB whose header parsed to <paramref name="fv"/> at <paramref name="fvbBase"/> is the target.</summary>
    public static bool Matches(FvHeaderStatus status, in FvHeader fv, ulong fvbBase, in RegionTarget target, ulong targetBase)
        => status == FvHeaderStatus.Valid && fv.FileSystemGuid.Equals(target.FileSystemGuid) && (targetBase == 0 || fvbBase == targetBase);

    /// <summary>Index of the first FVB handle that is the target; -1 when none.</summary>
    public static int Find(UefiBootServices services, ReadOnlySpan<EfiHandle> handles, in RegionTarget target, ulong targetBase)
    {
        Span<byte> header = stackalloc byte[HeaderReadLength];
        for (int i = 0; i < handles.Length; i++)
        {
            using UefiFirmwareVolumeBlock fvb = UefiFirmwareVolumeBlock.Open(services, handles[i], out _);
            if (!fvb.IsOpen)
                continue;
            if (!fvb.GetBlockSize(0).TryGetValue(out FvbBlockRun run))
                continue;
            ulong fvbBase = fvb.GetPhysicalAddress().TryGetValue(out ulong address) ? address : 0;
            int length = (int)Math.Min((ulong)run.BlockSize, (ulong)HeaderReadLength);
            if (length <= 0 || !fvb.Read(0, 0, header.Slice(0, length)).IsSuccess)
                continue;
            FvHeaderStatus status = FvHeader.TryParse(header.Slice(0, length), target.HeaderMapsDevice, out FvHeader fv);
            if (Matches(status, fv, fvbBase, target, targetBase))
                return i;
        }
        return -1;
    }
}
