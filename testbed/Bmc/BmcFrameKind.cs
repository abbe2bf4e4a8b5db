namespace UefiRecovery.Testbed.Bmc;

/// <summary>What <see cref="BmcFrameReader"/> completed.</summary>
public enum BmcFrameKind
{
    /// <summary>An IPMI message (seq, netfn/lun, cmd, data, checksum), checksum not yet checked.</summary>
    Message,

    /// <summary>A control command from QEMU (version FFh, capabilities 08h, reset 04h ...).</summary>
    Control,

    /// <summary>A frame broken by an unfinished escape; dropped, as QEMU does.</summary>
    Broken,
}
