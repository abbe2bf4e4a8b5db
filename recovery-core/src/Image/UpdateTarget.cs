using UefiRecovery.Core.Common;

namespace UefiRecovery.Core.Image;

/// <summary>
/// What the machine knows about the firmware region a capsule wants to update: the facts the signature does
/// not cover (image type, index, hardware instance) and the stored rollback floor (SP 800-147 3.1.1).
/// </summary>
public readonly struct UpdateTarget(EfiGuid imageTypeId, byte imageIndex, ulong hardwareInstance,
    uint storedLowestSupportedVersion, uint currentVersion, ulong regionSize)
{
    /// <summary>The FMP ImageTypeId of the region; the capsule's UpdateImageTypeId must equal it.</summary>
    public EfiGuid ImageTypeId { get; } = imageTypeId;

    /// <summary>The FMP image index; 0 means "do not check UpdateImageIndex".</summary>
    public byte ImageIndex { get; } = imageIndex;

    /// <summary>This machine's hardware instance; a capsule with 0 fits any instance.</summary>
    public ulong HardwareInstance { get; } = hardwareInstance;

    /// <summary>The stored LowestSupportedVersion: FwVersion below it is a rollback.</summary>
    public uint StoredLowestSupportedVersion { get; } = storedLowestSupportedVersion;

    /// <summary>The installed version, pushed by PUSH_GUID of our own image type in a dependency expression.</summary>
    public uint CurrentVersion { get; } = currentVersion;

    /// <summary>Bytes available in the region; the payload must not be larger.</summary>
    public ulong RegionSize { get; } = regionSize;
}
