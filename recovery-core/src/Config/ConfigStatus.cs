namespace UefiRecovery.Core.Config;

/// <summary>Outcome of applying one key=value setting.</summary>
public enum ConfigStatus : byte
{
    /// <summary>The value was valid and replaced the previous one.</summary>
    Applied = 0,

    /// <summary>The key starts with <c>uefirecovery.</c> but is not one this version knows. Nothing changed.</summary>
    UnknownKey,

    /// <summary>The key is known, the value is not acceptable. Nothing changed.</summary>
    BadValue,

    /// <summary>Kept for older callers; no key of this version answers it any more.</summary>
    OtherSection,

    /// <summary>The text is not a <c>uefirecovery.</c> setting at all (another tool's OEM string). Nothing changed.</summary>
    NotOurs,

    /// <summary>A source of higher priority already set this key; this lower one is ignored (not an error).</summary>
    Overridden,

    /// <summary>The same source gave this single-valued key twice; the first value stays (an error the operator sees).</summary>
    Repeated,

    /// <summary>
    /// A protected key (<see cref="ConfigKeyNames.IsProtected"/>) or <c>mode=recover</c> from a source the
    /// running OS can write (the ESP file, a runtime-writable EFI variable): refused, so a compromised OS
    /// cannot add a signing key, make the app write flash, redirect the write or stall recovery.
    /// </summary>
    SourceNotTrusted,
}
