using System;
using UefiRecovery.Core.Common;

namespace UefiRecovery.Manager.Images;

/// <summary>What goes into a capsule besides the signature: the fields EDK2's GenerateCapsule.py takes.</summary>
public sealed record CapsuleSpec(
    byte[] Payload,
    EfiGuid ImageType,
    uint FwVersion,
    uint LowestSupportedVersion,
    ulong MonotonicCount = 0,
    ulong HardwareInstance = 0,
    byte ImageIndex = 1)
{
    /// <summary>Optional EFI_FIRMWARE_IMAGE_DEP bytes (ending in END, 0x0D); sets CAPSULE_SUPPORT_DEPENDENCY.</summary>
    public byte[] Dependency { get; init; } = Array.Empty<byte>();
}
