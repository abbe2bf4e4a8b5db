namespace UefiRecovery.Efi.Services.Network;

/// <summary>Why <see cref="SnpFrameDevice.TryOpen"/> failed, or Ok; the EFI status rides along separately.</summary>
internal enum SnpOpenStatus : byte
{
    Ok = 0,
    /// <summary>OpenProtocol(EXCLUSIVE) failed: another agent holds SNP exclusively, or no SNP on the handle.</summary>
    OpenFailed,
    /// <summary>Not Ethernet: HwAddressSize is not 6 or MediaHeaderSize not 14.</summary>
    NotEthernet,
    /// <summary>The firmware would not give us pool memory for the frame buffers.</summary>
    NoMemory,
    /// <summary>Start failed.</summary>
    StartFailed,
    /// <summary>Initialize failed, also after a Reset/Shutdown retry.</summary>
    InitializeFailed,
    /// <summary>ReceiveFilters refused unicast + broadcast.</summary>
    FiltersFailed,
}
