namespace UefiRecovery.Core.Config;

/// <summary>Where recovery looks for an image (<c>uefirecovery.source</c>, docs/config.md).</summary>
public enum RecoverySourceKind : byte
{
    None = 0,
    /// <summary><c>donors</c>: managers and peers over the recovery protocol (docs/protocol.md).</summary>
    Donors,
    /// <summary><c>file:\path</c>: a capsule file on any Simple File System volume (the ESP, a USB stick).</summary>
    File,
    /// <summary><c>bmc</c>: the image the BMC holds (blob <c>/recovery/image</c>), over IPMI BLOB (docs/bmc.md).</summary>
    Bmc,
    /// <summary><c>http://A.B.C.D[:port]/path</c>: a capsule from a web server over the app's own TCP (docs/http-source.md).</summary>
    Http,
}
