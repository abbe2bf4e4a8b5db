namespace UefiRecovery.Efi.Uefi.Smbios;

/// <summary>Where a walk over an SMBIOS structure table stands, and why it stopped.</summary>
public enum SmbiosWalkStatus
{
    /// <summary>Still walking: the last TryNext returned a structure.</summary>
    InProgress,

    /// <summary>Reached the End-of-Table structure (type 127, §7.45); it is returned, then the walk ends.</summary>
    EndOfTable,

    /// <summary>Used up the table bytes exactly at a structure boundary (2.x tables need no type 127).</summary>
    EndOfData,

    /// <summary>Returned as many structures as the 2.x entry point's NumberOfSmbiosStructures.</summary>
    CountReached,

    /// <summary>A header or string-set ran past the end of the table.</summary>
    Truncated,

    /// <summary>A Length field below the 4-byte header (§6.1.2).</summary>
    BadLength,
}
